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
import type { AnyCloudEvent } from './consumers';
import type { CloudEvent } from './generated';

// One Ajv instance for the process; validators are compiled once per schema on first use.
// verbose: a refusal can quote the schema's own words for a format (its description).
const ajv = new Ajv({
  allErrors: true,
  strict: true,
  strictRequired: false,
  allowUnionTypes: true,
  verbose: true,
});
addFormats(ajv);
ajv.addSchema({ $id: 'berkas', definitions: SCHEMAS });
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

/** "must be 16 digits (NIK…)" rather than the pattern itself, where the format has a short description. */
function patternMessage(e: ErrorObject): string | undefined {
  const description = (e.parentSchema as { description?: unknown } | undefined)?.description;
  return e.keyword === 'pattern' && typeof description === 'string' && description.length <= 100
    ? `must be ${description}`
    : undefined;
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
      message: extra ? 'is not allowed' : (patternMessage(e) ?? e.message ?? 'is invalid'),
    };
  });
}

/**
 * Checks `value` against a named schema and returns it typed, or throws a 400 AppError listing every
 * problem. `what` says what the value is in words a caller may read ("The request"); the schema's
 * name goes only to the logs (`internal`).
 */
export function assertSchema<T>(name: SchemaName, value: unknown, what: string): T {
  const validate = validatorFor(name);
  if (!validate(value)) {
    throw new AppError(
      'INVALID_MESSAGE',
      400,
      `${what} is not valid`,
      toDetails(validate.errors),
    ).withInternal({
      schema: name,
    });
  }
  return value as T;
}

export const validateRequest = <S extends RequestSubject>(subject: S, payload: unknown) => {
  try {
    return assertSchema<RequestMap[S]['request']>(REQUESTS[subject].request, payload, 'The request');
  } catch (e) {
    // A caller's bad field is the same refusal on the bus as on HTTP.
    const broken = e as AppError;
    throw new AppError('VALIDATION_FAILED', 400, broken.message, broken.details).withInternal({
      ...broken.internal,
      subject,
    });
  }
};

/**
 * A reply that breaks its contract is the answering service's fault, not the caller's: a 502 that
 * says so, with the problems in the logs only.
 */
export const validateReply = <S extends RequestSubject>(subject: S, payload: unknown) => {
  try {
    return assertSchema<RequestMap[S]['reply']>(REQUESTS[subject].reply, payload, 'The reply');
  } catch (e) {
    throw new AppError(
      'INVALID_REPLY',
      502,
      'A service answered in a shape it should not; this is our fault',
    ).withInternal({
      subject,
      ...(e as AppError).internal,
      problems: (e as AppError).details,
    });
  }
};

export const validateEventData = <S extends EventSubject>(subject: S, data: unknown) =>
  assertSchema<EventMap[S]>(EVENTS[subject].data, data, `The event ${subject}`);

export const validateSignal = <S extends SignalSubject>(subject: S, data: unknown) =>
  assertSchema<SignalMap[S]>(SIGNALS[subject].data, data, `The signal ${subject}`);

/**
 * An event envelope (CloudEvents) whose `data` matches the schema of its `type`, typed by its type;
 * a 400 AppError otherwise (an unknown type, or data that breaks its contract).
 */
export function assertEvent(envelope: unknown): AnyCloudEvent<EventSubject> {
  const event = assertSchema<CloudEvent>('CloudEvent', envelope, 'The event');
  if (!(event.type in EVENTS))
    throw new AppError('INVALID_MESSAGE', 400, 'The event is not valid').withInternal({ type: event.type });
  validateEventData(event.type as EventSubject, event.data);
  return event as AnyCloudEvent<EventSubject>;
}
