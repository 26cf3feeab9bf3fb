import { randomUUID } from 'node:crypto';
import { Catch, HttpException, Logger, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { RpcException } from '@nestjs/microservices';
import { EMPTY, Observable, throwError } from 'rxjs';
import { AppError, type ErrorReply } from '@berkas/contracts';
import { RequestContext } from '@berkas/observability';

/**
 * Database refusals that reach a handler are the caller's conflict, not our crash: a racing duplicate
 * (unique violation), a reference to a row that does not exist, a value of the wrong shape.
 */
const PG_ERRORS: Record<string, Pick<ErrorReply, 'code' | 'status' | 'message'>> = {
  '23505': {
    code: 'ALREADY_EXISTS',
    status: 409,
    message: 'A record with the same unique value already exists',
  },
  '23503': {
    code: 'REFERENCE_NOT_FOUND',
    status: 409,
    message: 'A record this refers to does not exist or is still in use',
  },
  '23514': { code: 'VALIDATION_FAILED', status: 400, message: 'A value breaks a rule of the data' },
  '22P02': { code: 'VALIDATION_FAILED', status: 400, message: 'A value has the wrong format' },
  '22007': { code: 'VALIDATION_FAILED', status: 400, message: 'A date or time has the wrong format' },
  '22008': { code: 'VALIDATION_FAILED', status: 400, message: 'A date or time is out of range' },
  // A NUL or bytes PostgreSQL cannot store in text: the gateway refuses them, other callers get this.
  '22021': {
    code: 'VALIDATION_FAILED',
    status: 400,
    message: 'A value contains characters that are not text',
  },
  '22P05': {
    code: 'VALIDATION_FAILED',
    status: 400,
    message: 'A value contains characters that are not text',
  },
  '40001': { code: 'CONFLICT_RETRY', status: 409, message: 'The record changed at the same time; try again' },
  // The database went away mid-request (restart, failover, terminated backend): nothing was
  // committed, and a retry (with the same Idempotency-Key) is safe.
  ...Object.fromEntries(
    ['57P01', '57P02', '57P03', '08000', '08003', '08006'].map((code) => [
      code,
      { code: 'DATABASE_UNAVAILABLE', status: 503, message: 'The database is not reachable; try again' },
    ]),
  ),
};

/** pg and TypeORM report a connection that died mid-request without a SQLSTATE, only in words. */
const LOST_CONNECTION =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|ECONNREFUSED|ECONNRESET|already released/i;

/** Maps any error thrown by a NATS handler to an ErrorReply; unknown ones are logged with an error id. */
export function toErrorReply(exception: unknown, logger: Logger): ErrorReply {
  if (exception instanceof AppError) return exception.toReply();
  const pg = PG_ERRORS[(exception as { code?: string })?.code ?? ''];
  if (pg) {
    // The constraint's name is the schema's business: the logs get it, the caller the rule's words.
    const constraint = (exception as { constraint?: string }).constraint;
    logger.warn({ code: (exception as { code: string }).code, constraint }, 'database refused the change');
    return pg as ErrorReply;
  }
  if (
    exception instanceof Error &&
    !('code' in exception && exception.code) &&
    LOST_CONNECTION.test(exception.message)
  ) {
    logger.warn({ error: exception.message }, 'database connection lost');
    return PG_ERRORS['08006'] as ErrorReply;
  }
  if (exception instanceof RpcException && AppError.isReply(exception.getError()))
    return exception.getError() as ErrorReply;
  if (exception instanceof HttpException && exception.getStatus() < 500) {
    return { code: 'BAD_REQUEST', status: exception.getStatus(), message: exception.message };
  }
  const errorId = randomUUID();
  logger.error(
    { err: exception, errorId, requestId: RequestContext.current()?.requestId },
    'unhandled error in handler',
  );
  return { code: 'INTERNAL', status: 500, message: `Internal error; reference ${errorId}` };
}

/**
 * Global filter of a hybrid app (registered before connectMicroservice, which captures the globals):
 * NATS errors become ErrorReply; HTTP errors keep Nest's default handling.
 */
@Catch()
export class RpcErrorFilter extends BaseExceptionFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('Rpc');
  override catch(exception: unknown, host: ArgumentsHost): Observable<never> {
    if (host.getType() !== 'rpc') {
      super.catch(exception, host);
      return EMPTY as Observable<never>;
    }
    const reply = toErrorReply(exception, this.logger);
    return throwError(() => reply);
  }
}
