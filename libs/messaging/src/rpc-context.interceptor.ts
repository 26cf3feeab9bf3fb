import {
  Injectable,
  Logger,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import { map, Observable, tap } from 'rxjs';
import {
  AppError,
  assertSchema,
  HEADERS,
  REQUESTS,
  validateReply,
  validateRequest,
  type Principal,
  type RequestSubject,
} from '@berkas/contracts';
import { RequestContext, requestIdFrom, rpcHandlerDuration } from '@berkas/observability';

function principalFrom(raw: string | undefined, header: string): Principal | undefined {
  if (!raw) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new AppError('INVALID_MESSAGE', 400, `header ${header} is not JSON`);
  }
  return assertSchema<Principal>('Principal', parsed, `header ${header}`);
}

/**
 * Entry of every NATS request: restores the caller's request id and principal from the headers,
 * checks the payload against proto/ before the handler sees it and the reply after, and times it.
 */
@Injectable()
export class RpcContextInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Rpc');

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const rpc = context.switchToRpc();
    const nats = rpc.getContext<NatsContext>();
    const subject = nats.getSubject();
    const hdrs = nats.getHeaders();
    if (!(subject in REQUESTS)) throw new AppError('UNKNOWN_SUBJECT', 404, `No contract for ${subject}`);
    const known = subject as RequestSubject;
    const ctx = {
      requestId: requestIdFrom(hdrs?.get(HEADERS.requestId) || undefined),
      principal: principalFrom(hdrs?.get(HEADERS.principal) || undefined, HEADERS.principal),
      onBehalfOf: principalFrom(hdrs?.get(HEADERS.onBehalfOf) || undefined, HEADERS.onBehalfOf),
    };
    return new Observable((subscriber) =>
      RequestContext.run(ctx, () => {
        const end = rpcHandlerDuration.startTimer({ subject });
        validateRequest(known, rpc.getData());
        return next
          .handle()
          .pipe(
            map((reply) => validateReply(known, reply)),
            tap({
              next: () =>
                this.logger.debug({ subject, ms: Math.round(end({ outcome: 'ok' }) * 1000) }, 'handled'),
              error: (e) => {
                end({ outcome: e instanceof AppError ? 'rejected' : 'failed' });
                this.logger.debug({ subject, error: (e as Error).message }, 'request failed');
              },
            }),
          )
          .subscribe(subscriber);
      }),
    );
  }
}
