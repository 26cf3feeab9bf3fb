import { applyDecorators, Injectable, SetMetadata, UseGuards, type ExecutionContext } from '@nestjs/common';
import { SkipThrottle, ThrottlerGuard, ThrottlerModule, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { GatewayHttpEnv } from '@berkas/config';
import { AppError } from '@berkas/contracts';

/** Public lookups (tracking, verification) and sign-in attempts are limited separately, per client. */
export type RateLimitBucket = 'lookups' | 'sign-ins';
const BUCKETS: RateLimitBucket[] = ['lookups', 'sign-ins'];
export const RATE_LIMIT_METADATA = 'berkas:rate-limit';

/**
 * One counter per client and bucket across every route of the bucket (the tracking API and the
 * /lacak page draw on the same allowance). Counters live in this replica's memory: with N replicas
 * behind a balancer a client gets at most N times the allowance, which still stops scraping.
 */
@Injectable()
export class ClientRateLimitGuard extends ThrottlerGuard {
  protected override generateKey(_context: ExecutionContext, tracker: string, bucket: string): string {
    return `${bucket}:${tracker}`;
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new AppError(
      'RATE_LIMITED',
      429,
      `Too many requests: at most ${detail.limit} per ${detail.ttl / 1000} s from one client; try again later`,
      undefined,
      Math.max(1, Math.ceil(detail.timeToBlockExpire)),
    );
  }
}

/** Limits a public route to the bucket's allowance per client; 429 with Retry-After beyond it. */
export const RateLimit = (bucket: RateLimitBucket) =>
  applyDecorators(
    SetMetadata(RATE_LIMIT_METADATA, bucket),
    SkipThrottle(Object.fromEntries(BUCKETS.filter((b) => b !== bucket).map((b) => [b, true]))),
    UseGuards(ClientRateLimitGuard),
  );

export const RateLimitModule = ThrottlerModule.forRootAsync({
  inject: [GatewayHttpEnv],
  useFactory: (env: GatewayHttpEnv) => ({
    setHeaders: false, // Retry-After comes with the 429 problem document
    throttlers: [
      { name: 'lookups', ttl: 60_000, limit: env.lookupsPerMinute },
      { name: 'sign-ins', ttl: 60_000, limit: env.signInsPerMinute },
    ],
  }),
});
