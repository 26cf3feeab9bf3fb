import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { ErrorDetail, FormField } from '@berkas/contracts';

const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));

/** The places an `area` question may name: a region's kelurahan/desa codes. */
export type AreaChoices = ReadonlySet<string>;

/** Where no list is given (a levy estimate reads no place), an `area` answer need only look like a code. */
const AREA_CODE = '^[0-9]{2}\\.[0-9]{2}\\.[0-9]{2}\\.[0-9]{4}$';

/**
 * The JSON Schema of a permit type's form; drafts may be partial, submissions must be complete. An
 * `area` question takes one of `areas` (the application's region's kelurahan/desa).
 */
export function formSchema(fields: FormField[], complete: boolean, areas?: AreaChoices): object {
  const properties: Record<string, object> = {};
  for (const f of fields) {
    const base: Record<string, unknown> =
      f.type === 'enum'
        ? { type: 'string', enum: f.options ?? [] }
        : f.type === 'area'
          ? !areas
            ? { type: 'string', pattern: AREA_CODE }
            : areas.size
              ? { type: 'string', enum: [...areas] }
              : { not: {} } // a region without a list: no place can be named
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

/**
 * Compiled validators per form (the catalog keeps each type's fields as one array) and place list:
 * compiling costs far more than validating, and a file's form is checked at every save and decision.
 */
const compiled = new WeakMap<FormField[], Map<string, ValidateFunction>>();
const areaListIds = new WeakMap<AreaChoices, number>();
let lastAreaListId = 0;

function validatorOf(fields: FormField[], complete: boolean, areas?: AreaChoices): ValidateFunction {
  let listId = 0;
  if (areas) {
    listId = areaListIds.get(areas) ?? 0;
    if (!listId) areaListIds.set(areas, (listId = ++lastAreaListId));
  }
  const key = `${complete}:${listId}`;
  let byKey = compiled.get(fields);
  if (!byKey) compiled.set(fields, (byKey = new Map()));
  let validate = byKey.get(key);
  if (!validate) byKey.set(key, (validate = ajv.compile(formSchema(fields, complete, areas))));
  return validate;
}

/** Every problem of a form, each with its field; empty when the form is acceptable. */
export function formProblems(
  fields: FormField[],
  form: unknown,
  complete: boolean,
  areas?: AreaChoices,
): ErrorDetail[] {
  const validate = validatorOf(fields, complete, areas);
  if (validate(form)) return [];
  const places = new Set(fields.filter((f) => f.type === 'area').map((f) => `/${f.name}`));
  // A place's list is long: name what is wrong instead of repeating every allowed code.
  return (validate.errors ?? []).map((e) =>
    (e.keyword === 'enum' || e.keyword === 'not') && places.has(e.instancePath)
      ? { path: `/form${e.instancePath}`, message: 'is not a kelurahan/desa of the region' }
      : describe(e),
  );
}

/** The kelurahan/desa a form names (its first `area` question's answer): where the file's queues find it. */
export function areaNamed(fields: FormField[], form: Record<string, unknown>): string | null {
  const question = fields.find((f) => f.type === 'area');
  const answer = question ? form[question.name] : undefined;
  return typeof answer === 'string' ? answer : null;
}
