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
  HEADERS,
  REQUESTS,
  validateReply,
  validateRequest,
  type Principal,
  type RequestSubject,
} from '@berkas/contracts';
import { RequestContext, requestIdFrom, rpcHandlerDuration } from '@berkas/observability';

/** Turns a verified access token into a principal; provided by @berkas/auth. */
export interface PrincipalResolver {
  verify(accessToken: string): Promise<Principal>;
}
export const PRINCIPAL_RESOLVER = Symbol('PRINCIPAL_RESOLVER');

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

/**
 * Entry of every NATS request: restores the request id, verifies the caller's access token (when
 * there is one) into the principal, checks the payload against proto/ before the handler sees it and
 * the reply after, and times it.
 */
@Injectable()
export class RpcContextInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Rpc');

  constructor(private readonly principals?: PrincipalResolver) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const rpc = context.switchToRpc();
    const nats = rpc.getContext<NatsContext>();
    const subject = nats.getSubject();
    const hdrs = nats.getHeaders();
    if (!(subject in REQUESTS))
      throw new AppError('UNKNOWN_SUBJECT', 404, 'Unknown request').withInternal({ subject });
    const known = subject as RequestSubject;
    const requestId = requestIdFrom(hdrs?.get(HEADERS.requestId) || undefined);
    const authorization = hdrs?.get(HEADERS.authorization) || undefined;
    const idempotencyKey = hdrs?.get(HEADERS.idempotencyKey) || undefined;
    const clientAddress = hdrs?.get(HEADERS.clientAddress) || undefined;

    return new Observable((subscriber) => {
      const end = rpcHandlerDuration.startTimer({ subject });
      this.principalFrom(authorization).then(
        ({ principal, accessToken }) =>
          RequestContext.run(
            {
              requestId,
              principal,
              accessToken,
              idempotencyKey,
              clientAddress,
              rpc: { subject, payload: rpc.getData() },
            },
            () => {
              try {
                validateRequest(known, rpc.getData());
              } catch (e) {
                end({ outcome: 'rejected' });
                this.logger.debug(
                  { error: (e as Error).message, ...(e as AppError).internal },
                  'request refused',
                );
                return subscriber.error(e);
              }
              next
                .handle()
                .pipe(
                  map((reply) => validateReply(known, reply)),
                  tap({
                    next: () =>
                      this.logger.debug(
                        { subject, ms: Math.round(end({ outcome: 'ok' }) * 1000) },
                        'handled',
                      ),
                    error: (e) => {
                      end({ outcome: e instanceof AppError ? 'rejected' : 'failed' });
                      this.logger.debug(
                        { subject, error: (e as Error).message, ...(e as AppError).internal },
                        'request failed',
                      );
                    },
                  }),
                )
                .subscribe(subscriber);
            },
          ),
        (e) => {
          end({ outcome: 'rejected' });
          subscriber.error(e);
        },
      );
    });
  }

  private async principalFrom(
    authorization: string | undefined,
  ): Promise<{ principal?: Principal; accessToken?: string }> {
    if (!authorization) return {};
    const token = BEARER.exec(authorization)?.[1];
    if (!token)
      throw new AppError('UNAUTHENTICATED', 401, 'The authorization header must be "Bearer <token>"');
    if (!this.principals)
      throw new AppError('UNAUTHENTICATED', 401, 'This service does not accept user tokens');
    return { principal: await this.principals.verify(token), accessToken: token };
  }
}
