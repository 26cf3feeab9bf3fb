import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import {
  EVENTS,
  REQUESTS,
  SCHEMAS,
  type EventMap,
  type EventSubject,
  type RequestMap,
  type RequestSubject,
  type SchemaName,
  SIGNALS,
  type SignalMap,
  type SignalSubject,
} from './generated';
import { AppError, type ErrorDetail } from './app-error';

// One Ajv instance for the process; validators are compiled once per schema on first use.
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
addFormats(ajv);
ajv.addSchema({ $id: 'berkas', definitions: SCHEMAS as unknown as Record<string, object> });
const compiled = new Map<SchemaName, ValidateFunction>();

function validatorFor(name: SchemaName): ValidateFunction {
  let fn = compiled.get(name);
  if (!fn) {
    fn = ajv.getSchema(`berkas#/definitions/${name}`);
    if (!fn) throw new Error(`No schema named ${name}`);
    compiled.set(name, fn);
  }
  return fn;
}

function toDetails(errors: ErrorObject[] | null | undefined): ErrorDetail[] {
  return (errors ?? []).map((e) => {
    const missing =
      e.keyword === 'required' ? `/${(e.params as { missingProperty: string }).missingProperty}` : '';
    const extra =
      e.keyword === 'additionalProperties'
        ? `/${(e.params as { additionalProperty: string }).additionalProperty}`
        : '';
    return {
      path: `${e.instancePath}${missing}${extra}` || '/',
      message: extra ? 'is not allowed' : (e.message ?? 'is invalid'),
    };
  });
}

/** Checks `value` against a named schema and returns it typed, or throws a 400 AppError listing every problem. */
export function assertSchema<T>(name: SchemaName, value: unknown, what: string): T {
  const validate = validatorFor(name);
  if (!validate(value)) {
    throw new AppError('INVALID_MESSAGE', 400, `${what} does not match ${name}`, toDetails(validate.errors));
  }
  return value as T;
}

export const validateRequest = <S extends RequestSubject>(subject: S, payload: unknown) =>
  assertSchema<RequestMap[S]['request']>(REQUESTS[subject].request, payload, `request on ${subject}`);

export const validateReply = <S extends RequestSubject>(subject: S, payload: unknown) =>
  assertSchema<RequestMap[S]['reply']>(REQUESTS[subject].reply, payload, `reply on ${subject}`);

export const validateEventData = <S extends EventSubject>(subject: S, data: unknown) =>
  assertSchema<EventMap[S]>(EVENTS[subject].data, data, `event ${subject}`);

export const validateSignal = <S extends SignalSubject>(subject: S, data: unknown) =>
  assertSchema<SignalMap[S]>(SIGNALS[subject].data, data, `signal ${subject}`);
