import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { ErrorDetail, FormField } from '@berkas/contracts';

const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));

/** The JSON Schema of a permit type's form; drafts may be partial, submissions must be complete. */
export function formSchema(fields: FormField[], complete: boolean): object {
  const properties: Record<string, object> = {};
  for (const f of fields) {
    const base: Record<string, unknown> =
      f.type === 'enum'
        ? { type: 'string', enum: f.options ?? [] }
        : f.type === 'date'
          ? { type: 'string', format: 'date' }
          : { type: f.type === 'integer' ? 'integer' : f.type };
    if (f.pattern) base['pattern'] = f.pattern;
    if (f.maxLength !== undefined) base['maxLength'] = f.maxLength;
    else if (f.type === 'string') base['maxLength'] = 1000;
    if (f.minimum !== undefined) base['minimum'] = f.minimum;
    if (f.maximum !== undefined) base['maximum'] = f.maximum;
    properties[f.name] = base;
  }
  return {
    type: 'object',
    additionalProperties: false,
    properties,
    required: complete ? fields.filter((f) => f.required).map((f) => f.name) : [],
  };
}

const describe = (e: ErrorObject): ErrorDetail => {
  if (e.keyword === 'required')
    return {
      path: `/form/${(e.params as { missingProperty: string }).missingProperty}`,
      message: 'is required',
    };
  if (e.keyword === 'additionalProperties')
    return {
      path: `/form/${(e.params as { additionalProperty: string }).additionalProperty}`,
      message: 'is not a field of this form',
    };
  return { path: `/form${e.instancePath}`, message: e.message ?? 'is invalid' };
};

/** Every problem of a form, each with its field; empty when the form is acceptable. */
export function formProblems(fields: FormField[], form: unknown, complete: boolean): ErrorDetail[] {
  const validate = ajv.compile(formSchema(fields, complete));
  return validate(form) ? [] : (validate.errors ?? []).map(describe);
}
