import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { ErrorDetail, FormField } from '@berkas/contracts';

const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));

/**
 * The places an `area` question may name in one region: its kelurahan/desa codes, or null for a region
 * this release ships no list for, where the question is not required and an answer need only be a
 * kelurahan code inside the region (so a newly served region can take every permit type at once).
 * One object per region (RegionAreasService): compiled validators are kept per object.
 */
export interface AreaChoices {
  regionCode: string;
  villages: ReadonlySet<string> | null;
}

/** Where no region is given (a levy estimate reads no place), an `area` answer need only look like a code. */
const AREA_CODE = '^[0-9]{2}\\.[0-9]{2}\\.[0-9]{2}\\.[0-9]{4}$';

/** A kelurahan code inside the region 3271: 32.71.NN.NNNN. */
const codeInRegion = (regionCode: string) =>
  `^${regionCode.slice(0, 2)}\\.${regionCode.slice(2, 4)}\\.[0-9]{2}\\.[0-9]{4}$`;

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
          ? areas?.villages
            ? { type: 'string', enum: [...areas.villages] }
            : { type: 'string', pattern: areas ? codeInRegion(areas.regionCode) : AREA_CODE }
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
    // Without the region's list nobody could choose a place: the question is asked but not required.
    required: complete
      ? fields.filter((f) => f.required && (f.type !== 'area' || !!areas?.villages)).map((f) => f.name)
      : [],
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
 * Compiled validators per form (the catalog keeps each type's fields as one array), completeness and
 * region: compiling costs far more than validating, and a file's form is checked at every save and
 * decision. Weak keys: a form or region dropped is a validator dropped (ajv's own cache is bypassed).
 */
type ValidatorsByRegion = WeakMap<AreaChoices | typeof NO_REGION, ValidateFunction>;
const compiled = new WeakMap<FormField[], { draft: ValidatorsByRegion; complete: ValidatorsByRegion }>();
const NO_REGION = {};

function validatorOf(fields: FormField[], complete: boolean, areas?: AreaChoices): ValidateFunction {
  let byForm = compiled.get(fields);
  if (!byForm) compiled.set(fields, (byForm = { draft: new WeakMap(), complete: new WeakMap() }));
  const byRegion = complete ? byForm.complete : byForm.draft;
  let validate = byRegion.get(areas ?? NO_REGION);
  if (!validate) {
    validate = ajv.compile(formSchema(fields, complete, areas));
    ajv.removeSchema(validate.schema as object); // kept here, weakly, not in ajv's strong cache
    byRegion.set(areas ?? NO_REGION, validate);
  }
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
    (e.keyword === 'enum' || e.keyword === 'pattern') && places.has(e.instancePath)
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
