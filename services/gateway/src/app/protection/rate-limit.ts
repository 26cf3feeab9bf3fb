import {
  Inject,
  Injectable,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { NatsConnection } from 'nats';
import { GatewayHttpEnv, NatsEnv } from '@berkas/config';
import { AppError, type Principal } from '@berkas/contracts';
import { NATS_CONNECTION, SharedCounters, type Verdict } from '@berkas/messaging';
import { IS_PUBLIC_ROUTE } from '@berkas/observability';

/**
 * Allowances per minute: public lookups (tracking, verification, their pages) and sign-ins
 * (sign-in, registration, refresh, adding a company member) per client address; every route that
 * needs a token also per principal ('requests').
 */
export type RateLimitBucket = 'lookups' | 'sign-ins';
type Bucket = RateLimitBucket | 'requests';
export const RATE_LIMIT_METADATA = 'berkas:rate-limit';
const WINDOW_MS = 60_000;
/** How stale another replica's hits may be (SharedCounters): a client spread over N replicas gets at most N - 1 batches more. */
const FLUSH_MS = 50;

/** Counts the route's calls in the bucket's allowance per client, beside any per-principal limit. */
export const RateLimit = (bucket: RateLimitBucket) => SetMetadata(RATE_LIMIT_METADATA, bucket);

const SHARED_COUNTERS = Symbol('SHARED_COUNTERS');

/**
 * Global guard, after the authentication guard: one count per client and bucket across every route
 * of the bucket (the tracking API and the /lacak page draw on one allowance), and one per principal
 * across every authenticated route, kept in NATS where every gateway replica sees them. Answers the
 * allowance in `RateLimit-Policy` and `RateLimit` headers (draft-ietf-httpapi-ratelimit-headers),
 * and 429 with `Retry-After` beyond it.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly limits: Record<Bucket, number>;

  constructor(
    private readonly reflector: Reflector,
    @Inject(SHARED_COUNTERS) private readonly counters: SharedCounters,
    env: GatewayHttpEnv,
  ) {
    this.limits = {
      lookups: env.lookupsPerMinute,
      'sign-ins': env.signInsPerMinute,
      requests: env.requestsPerMinute,
    };
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const req = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const res = context.switchToHttp().getResponse<Response>();
    const counted: Array<[Bucket, string]> = [];
    const bucket = this.reflector.getAllAndOverride<RateLimitBucket | undefined>(
      RATE_LIMIT_METADATA,
      targets,
    );
    if (bucket) counted.push([bucket, `client:${req.ip ?? 'unknown'}`]);
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_ROUTE, targets) ?? false;
    if (!isPublic && req.principal) counted.push(['requests', `principal:${req.principal.id}`]);
    for (const [name, subject] of counted) {
      const verdict = this.counters.hit(name, subject, this.limits[name]);
      describeAllowance(res, name, verdict);
      if (!verdict.allowed)
        throw new AppError(
          'RATE_LIMITED',
          429,
          `Too many requests: at most ${verdict.limit} per minute ${name === 'requests' ? 'from one account' : 'from one client'}; try again later`,
          undefined,
          verdict.resetSeconds,
        );
    }
    return true;
  }
}

/** RateLimit-Policy: "lookups";q=120;w=60 and RateLimit: "lookups";r=87;t=30 (the last bucket counted). */
function describeAllowance(res: Response, bucket: Bucket, verdict: Verdict): void {
  res.setHeader('RateLimit-Policy', `"${bucket}";q=${verdict.limit};w=${WINDOW_MS / 1000}`);
  res.setHeader('RateLimit', `"${bucket}";r=${verdict.remaining};t=${verdict.resetSeconds}`);
}

@Injectable()
class CountersLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(SHARED_COUNTERS) private readonly counters: SharedCounters) {}
  /** Before taking traffic, learn what the other replicas counted this minute. */
  onApplicationBootstrap(): Promise<void> {
    return this.counters.start();
  }
  async onApplicationShutdown(): Promise<void> {
    this.counters.close();
    await this.counters.flush().catch(() => undefined); // hand this replica's last hits on
  }
}

/** The counters (through a JetStream stream, replicated like the events) and the global guard. */
export const RATE_LIMIT_PROVIDERS: Provider[] = [
  {
    provide: SHARED_COUNTERS,
    inject: [NATS_CONNECTION, NatsEnv],
    useFactory: (nc: NatsConnection, nats: NatsEnv) =>
      new SharedCounters(nc, {
        stream: 'BERKAS_RATE_LIMITS',
        windowMs: WINDOW_MS,
        flushMs: FLUSH_MS,
        replicas: nats.eventsReplicas,
      }),
  },
  CountersLifecycle,
  { provide: APP_GUARD, useClass: RateLimitGuard },
];
