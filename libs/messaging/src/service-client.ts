import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ClientProxy, NatsRecordBuilder } from '@nestjs/microservices';
import { headers as natsHeaders } from 'nats';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';
import { NatsEnv } from '@berkas/config';
import {
  AppError,
  HEADERS,
  REQUESTS,
  validateReply,
  validateRequest,
  type RequestMap,
  type RequestSubject,
} from '@berkas/contracts';
import { RequestContext } from '@berkas/observability';

export const NATS_CLIENT = 'NATS_CLIENT';

export interface RequestOptions {
  /** Overrides NATS_REQUEST_TIMEOUT_MS for this call. */
  timeoutMs?: number;
  /**
   * The calling service acts on its own authority, not the user's: the user's token is not
   * forwarded (e.g. permits opening a dossier on an applicant's behalf, or fetching signing keys).
   */
  asSystem?: boolean;
}

/**
 * Typed request/reply over NATS. The payload and the reply are checked against proto/, the request
 * id and acting principal travel as headers, and every failure becomes an AppError: the remote
 * service's own, or 503 when nobody answers in time.
 */
@Injectable()
export class ServiceClient implements OnApplicationShutdown {
  constructor(
    @Inject(NATS_CLIENT) private readonly client: ClientProxy,
    private readonly env: NatsEnv,
  ) {}

  async request<S extends RequestSubject>(
    subject: S,
    payload: RequestMap[S]['request'],
    options: RequestOptions = {},
  ): Promise<RequestMap[S]['reply']> {
    validateRequest(subject, payload);
    const ctx = RequestContext.current();
    const hdrs = natsHeaders();
    if (ctx) {
      hdrs.set(HEADERS.requestId, ctx.requestId);
      if (ctx.accessToken && !options.asSystem) {
        hdrs.set(HEADERS.authorization, `Bearer ${ctx.accessToken}`);
        if (ctx.idempotencyKey) hdrs.set(HEADERS.idempotencyKey, ctx.idempotencyKey);
      }
    }
    const record = new NatsRecordBuilder(payload).setHeaders(hdrs).build();
    const waitMs = options.timeoutMs ?? this.env.requestTimeoutMs;
    const service = REQUESTS[subject].service;
    let reply: unknown;
    try {
      reply = await firstValueFrom(this.client.send(subject, record).pipe(timeout(waitMs)));
    } catch (e) {
      throw toAppError(e, service, waitMs);
    }
    return validateReply(subject, reply);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}

function toAppError(e: unknown, service: string, waitMs: number): AppError {
  if (AppError.isReply(e)) return AppError.fromReply(e);
  if (e instanceof TimeoutError) {
    return new AppError(
      'SERVICE_UNAVAILABLE',
      503,
      `The ${service} service did not answer within ${waitMs} ms`,
    );
  }
  const code = (e as { code?: string }).code;
  const message = e instanceof Error ? e.message : String((e as { message?: unknown })?.message ?? e);
  if (code === '503' || /no responders|no subscribers/i.test(message)) {
    return new AppError('SERVICE_UNAVAILABLE', 503, `The ${service} service is not running`);
  }
  if (/connection|disconnect|closed/i.test(message)) {
    return new AppError('SERVICE_UNAVAILABLE', 503, `Messaging is unavailable: ${message}`);
  }
  return new AppError('UPSTREAM_ERROR', 502, `The ${service} service failed: ${message}`);
}
