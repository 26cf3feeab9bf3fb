import { randomUUID } from 'node:crypto';
import { Catch, HttpException, Logger, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { RpcException } from '@nestjs/microservices';
import { EMPTY, Observable, throwError } from 'rxjs';
import { AppError, type ErrorReply } from '@berkas/contracts';
import { RequestContext } from '@berkas/observability';

/** Maps any error thrown by a NATS handler to an ErrorReply; unknown ones are logged with an error id. */
export function toErrorReply(exception: unknown, logger: Logger): ErrorReply {
  if (exception instanceof AppError) return exception.toReply();
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
