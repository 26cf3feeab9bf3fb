import { ERRORS, type ErrorCode, type ErrorReply } from './generated';

export type ErrorDetail = NonNullable<ErrorReply['details']>[number];
/** The one status an error code has (proto/errors.yaml). */
export type StatusOf<C extends ErrorCode> = (typeof ERRORS)[C]['status'];

/**
 * An expected failure with a stable code from proto/errors.yaml and the HTTP status the gateway
 * answers, which the catalogue fixes per code (a mismatch does not compile). Services throw it; it
 * crosses NATS as an ErrorReply and becomes a problem document at the gateway. Anything that is not
 * an AppError is a bug and becomes a 500 with an error id.
 */
export class AppError<C extends ErrorCode = ErrorCode> extends Error {
  /** What only the logs may see (the subject, the schema, the driver's words); never sent to a caller. */
  internal?: Record<string, unknown>;

  constructor(
    readonly code: C,
    readonly status: StatusOf<C>,
    message: string,
    readonly details?: ErrorDetail[],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }

  /** The same error, with what the logs should record about it. */
  withInternal(internal: Record<string, unknown>): this {
    this.internal = { ...this.internal, ...internal };
    return this;
  }

  /** 400 naming the offending field, for rules JSON Schema cannot express (a NIK's birth date…). */
  static invalid(path: string, message: string): AppError {
    return new AppError('VALIDATION_FAILED', 400, `${path.replace(/^\//, '')} ${message}`, [
      { path, message },
    ]);
  }

  toReply(): ErrorReply {
    return {
      code: this.code,
      status: this.status,
      message: this.message,
      ...(this.details ? { details: this.details } : {}),
      ...(this.retryAfterSeconds ? { retryAfterSeconds: this.retryAfterSeconds } : {}),
    };
  }

  static isReply(value: unknown): value is ErrorReply {
    const v = value as ErrorReply | null;
    return (
      !!v &&
      typeof v === 'object' &&
      typeof v.code === 'string' &&
      typeof v.status === 'number' &&
      typeof v.message === 'string'
    );
  }

  /** The error a reply carries; its status is the catalogue's for its code. */
  static fromReply(reply: ErrorReply): AppError {
    return new AppError(
      reply.code,
      ERRORS[reply.code].status,
      reply.message,
      reply.details,
      reply.retryAfterSeconds,
    );
  }
}
