import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { headers as natsHeaders, type NatsConnection } from 'nats';
import { NatsEnv } from '@berkas/config';
import {
  AppError,
  callersOf,
  HEADERS,
  REQUESTS,
  validateReply,
  validateRequest,
  type RequestMap,
  type RequestSubject,
} from '@berkas/contracts';
import { RequestContext } from '@berkas/observability';
import { NATS_CONNECTION } from './nats-connection';
import { SERVICE_IDENTITY, type ServiceIdentity } from './service-identity';

/** What a Nest microservice answers on NATS: its reply, or the error its exception filter made. */
interface NestReply {
  response?: unknown;
  err?: unknown;
}

export interface RequestOptions {
  /** Overrides NATS_REQUEST_TIMEOUT_MS for this call. */
  timeoutMs?: number;
  /**
   * The calling service acts on its own, not as the person it is serving: the user's token is not
   * forwarded, the service's own is shown (e.g. permits opening a dossier for an application).
   */
  asService?: boolean;
}

/**
 * Typed request/reply over NATS. The payload and the reply are checked against proto/, the request
 * id and acting principal travel as headers, and every failure becomes an AppError: the remote
 * service's own, or 503 when nobody answers in time. Requests go out in the envelope Nest's NATS
 * transport reads ({pattern, data, id}) but through nats.js's own request(), which shares one reply
 * subscription: Nest's ClientProxy subscribed and unsubscribed an inbox for every request, which
 * was the largest share of the gateway's time per lookup (BENCHMARKS.md).
 */
@Injectable()
export class ServiceClient {
  private readonly logger = new Logger('ServiceClient');

  private identity: ServiceIdentity | null | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly env: NatsEnv,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** This service's own credentials, if it has any (looked up late: they ask through this client). */
  private own(): ServiceIdentity | null {
    if (this.identity === undefined) {
      try {
        this.identity = this.moduleRef.get<ServiceIdentity>(SERVICE_IDENTITY, { strict: false });
      } catch {
        this.identity = null;
      }
    }
    return this.identity;
  }

  async request<S extends RequestSubject>(
    subject: S,
    payload: RequestMap[S]['request'],
    options: RequestOptions = {},
  ): Promise<RequestMap[S]['reply']> {
    validateRequest(subject, payload);
    const ctx = RequestContext.current();
    const service = REQUESTS[subject].service;
    const hdrs = natsHeaders();
    if (ctx) {
      hdrs.set(HEADERS.requestId, ctx.requestId);
      if (ctx.clientAddress) hdrs.set(HEADERS.clientAddress, ctx.clientAddress);
    }
    if (ctx?.accessToken && !options.asService) {
      // As the person being served: their token, which the next service verifies itself.
      hdrs.set(HEADERS.authorization, `Bearer ${ctx.accessToken}`);
      if (ctx.idempotencyKey) hdrs.set(HEADERS.idempotencyKey, ctx.idempotencyKey);
    } else if (ownAllowed(this.own(), subject)) {
      // As this service, where the subject lets it: a token identity signed for that service only.
      hdrs.set(HEADERS.service, `Bearer ${await ownAllowed(this.own(), subject)?.tokenFor(service)}`);
      if (ctx?.idempotencyKey) hdrs.set(HEADERS.idempotencyKey, ctx.idempotencyKey);
    }
    const waitMs = options.timeoutMs ?? this.env.requestTimeoutMs;
    let reply: NestReply;
    try {
      const envelope = JSON.stringify({ pattern: subject, data: payload, id: randomUUID() });
      const msg = await this.nc.request(subject, envelope, { timeout: waitMs, headers: hdrs });
      reply = msg.json<NestReply>();
    } catch (e) {
      throw this.failed(toAppError(e, waitMs), subject, service);
    }
    if (reply.err !== undefined && reply.err !== null)
      throw this.failed(toAppError(reply.err, waitMs), subject, service);
    try {
      return validateReply(subject, reply.response);
    } catch (e) {
      throw this.failed(e as AppError, subject, service);
    }
  }

  /** Records what went wrong where (subject, service, the driver's words) in the logs, not the reply. */
  private failed(e: AppError, subject: string, service: string): AppError {
    e.withInternal({ subject, service });
    if (e.status >= 500) this.logger.warn({ code: e.code, ...e.internal }, e.message);
    return e;
  }
}

/** This service's credentials, when the subject declares it among its callers. */
const ownAllowed = (own: ServiceIdentity | null, subject: RequestSubject): ServiceIdentity | null =>
  own && callersOf(subject).services?.includes(own.name) ? own : null;

/** Callers read these; what they leave out (which service, which subject) is logged by `failed`. */
function toAppError(e: unknown, waitMs: number): AppError {
  if (AppError.isReply(e)) return AppError.fromReply(e);
  const code = (e as { code?: string }).code;
  const message = e instanceof Error ? e.message : String((e as { message?: unknown })?.message ?? e);
  if (code === 'TIMEOUT') {
    return new AppError(
      'SERVICE_UNAVAILABLE',
      503,
      'A service did not answer in time; try again shortly',
    ).withInternal({
      waitMs,
    });
  }
  if (code === '503' || /no responders|no subscribers/i.test(message)) {
    return new AppError('SERVICE_UNAVAILABLE', 503, 'A service is not running; try again shortly');
  }
  if (/connection|disconnect|closed/i.test(message)) {
    return new AppError(
      'SERVICE_UNAVAILABLE',
      503,
      'Messaging is unavailable; try again shortly',
    ).withInternal({
      cause: message,
    });
  }
  return new AppError('UPSTREAM_ERROR', 502, 'A service failed; this is our fault').withInternal({
    cause: message,
  });
}
