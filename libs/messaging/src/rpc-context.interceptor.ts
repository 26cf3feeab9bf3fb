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
  callerAllowed,
  callersOf,
  HEADERS,
  REQUESTS,
  validateReply,
  validateRequest,
  type Caller,
  type Principal,
  type RequestSubject,
  type ServiceName,
} from '@berkas/contracts';
import { RequestContext, requestIdFrom, rpcHandlerDuration } from '@berkas/observability';
import type { ServiceIdentity } from './service-identity';

/** Turns a verified access token into a principal; provided by @berkas/auth. */
export interface PrincipalResolver {
  verify(accessToken: string): Promise<Principal>;
}
export const PRINCIPAL_RESOLVER = Symbol('PRINCIPAL_RESOLVER');

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

/**
 * Entry of every NATS request: restores the request id, verifies who calls (a person's access token,
 * or a service's own token signed for this service; neither is anonymous), lets through only the
 * callers the subject declares in proto/, checks the payload against proto/ before the handler sees
 * it and the reply after, and times it.
 */
@Injectable()
export class RpcContextInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Rpc');

  constructor(
    private readonly principals?: PrincipalResolver,
    private readonly services?: ServiceIdentity,
  ) {}

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
    const serviceToken = hdrs?.get(HEADERS.service) || undefined;

    return new Observable((subscriber) => {
      const end = rpcHandlerDuration.startTimer({ subject });
      Promise.all([this.principalFrom(authorization), this.serviceFrom(serviceToken)]).then(
        ([{ principal, accessToken }, service]) =>
          RequestContext.run(
            {
              requestId,
              principal,
              service,
              accessToken,
              idempotencyKey,
              clientAddress,
              rpc: { subject, payload: rpc.getData() },
            },
            () => {
              try {
                admit(known, principal, service);
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

  /** The service a service token names; a token that does not verify is refused (not anonymous). */
  private async serviceFrom(header: string | undefined): Promise<ServiceName | undefined> {
    if (!header) return undefined;
    const token = BEARER.exec(header)?.[1];
    if (!token || !this.services)
      throw new AppError('UNAUTHENTICATED', 401, 'The service credential is not valid');
    return this.services.verify(token).catch(() => {
      throw new AppError('UNAUTHENTICATED', 401, 'The service credential is not valid');
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

/** Refuses a caller the subject does not declare (proto/, `callers`), before its handler runs. */
function admit(
  subject: RequestSubject,
  principal: Principal | undefined,
  service: ServiceName | undefined,
): void {
  const caller: Caller = principal
    ? { kind: 'user', principal }
    : service
      ? { kind: 'service', service }
      : { kind: 'anonymous' };
  const verdict = callerAllowed(callersOf(subject), caller);
  if (verdict === 401) throw new AppError('UNAUTHENTICATED', 401, 'Sign in first');
  if (verdict === 403)
    throw new AppError('CALLER_NOT_ALLOWED', 403, 'This request is not for this caller').withInternal({
      subject,
      caller: caller.kind === 'service' ? caller.service : caller.kind,
    });
}
