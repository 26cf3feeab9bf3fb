import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet } from 'jose';
import { AppError, assertSchema, type Principal, type ServiceName } from '@berkas/contracts';
import type { PrincipalResolver } from '@berkas/messaging';
import { principalFromPayload, TOKEN_ALGORITHM, TOKEN_AUDIENCE, TOKEN_ISSUER } from './claims';
import { RevocationList } from './revocation-list';
import { serviceAudience } from './service-audience';

/** Where the public keys come from: identity's own database, or `identity.jwks.get` over NATS. */
export interface JwksSource {
  load(): Promise<JSONWebKeySet>;
}
export const JWKS_SOURCE = Symbol('JWKS_SOURCE');

const REFRESH_EVERY_MS = 10 * 60 * 1000;
/**
 * An unknown key id (a key rotated a moment ago) triggers a reload, at most once per this gap: a
 * token with a forged kid waits for the next slot instead of making identity answer again.
 */
const MIN_RELOAD_GAP_MS = 1000;
const CLOCK_TOLERANCE_S = 30;
/**
 * Tokens already verified, so a session's every request is not one more signature check (the
 * largest single cost of the gateway and of permits under the desk benchmark). Bounded; emptied
 * whenever the key set is reloaded, so a key withdrawn from it stops its tokens within the reload.
 */
const VERIFIED_CAPACITY = 5000;

/**
 * Verifies access tokens locally against the cached JWK Set: no round trip per request. A token signed
 * by a key the cache does not know yet (just rotated) reloads the set once and is checked again.
 */
@Injectable()
export class TokenVerifier implements PrincipalResolver {
  private readonly logger = new Logger('TokenVerifier');
  private keySet: ReturnType<typeof createLocalJWKSet> | null = null;
  /** When the request for the cached key set was sent: a set asked for before a key existed lacks it. */
  private fetchedAt = 0;
  private loading: Promise<void> | null = null;
  private loadingSince = 0;
  /** Token → what checking it found, and until when it holds (its expiry with the tolerance). */
  private readonly verified = new Map<string, { value: unknown; until: number }>();
  /** Bumped by each key-set reload: a check begun with the old set is not kept after it. */
  private generation = 0;

  constructor(
    @Inject(JWKS_SOURCE) private readonly source: JwksSource,
    @Optional() private readonly revocations?: RevocationList,
  ) {}

  async verify(token: string): Promise<Principal> {
    if (!this.keySet || Date.now() - this.fetchedAt > REFRESH_EVERY_MS) await this.reload();
    try {
      return await this.check(token);
    } catch (e) {
      if (!(e instanceof errors.JWKSNoMatchingKey)) throw toAuthError(e);
      // A key we do not know: fetch a set asked for after this moment (a load already under way may
      // predate a rotation), at most once per MIN_RELOAD_GAP_MS whatever kids callers invent. A set
      // asked for in the same millisecond may predate the key too, so it does not count as after.
      const failedAt = Date.now();
      for (let attempt = 0; attempt < 2 && this.fetchedAt <= failedAt; attempt++) {
        if (this.loading && this.loadingSince > failedAt) {
          await this.loading;
          break;
        }
        if (this.loading) await this.loading;
        const wait = this.fetchedAt + MIN_RELOAD_GAP_MS - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (this.fetchedAt <= failedAt) {
          await this.reload(); // begun after the failure: it has every key that existed then
          break;
        }
        if (!this.keySet) break;
      }
      return this.check(token).catch((again) => Promise.reject(toAuthError(again)));
    }
  }

  /**
   * The service a service token names, when identity signed it for `audience` (this service) and it
   * has not expired; throws otherwise. Such a token is never a person's (another audience).
   */
  async verifyService(token: string, audience: ServiceName): Promise<ServiceName> {
    if (!this.keySet || Date.now() - this.fetchedAt > REFRESH_EVERY_MS) await this.reload();
    const keySet = this.keySet;
    if (!keySet)
      throw new AppError('SERVICE_UNAVAILABLE', 503, 'Token keys are not available yet; try again shortly');
    try {
      return await this.remembered(`${audience} ${token}`, async () => {
        const { payload } = await jwtVerify(token, keySet, {
          issuer: TOKEN_ISSUER,
          audience: serviceAudience(audience),
          algorithms: [TOKEN_ALGORITHM],
          clockTolerance: CLOCK_TOLERANCE_S,
          requiredClaims: ['sub', 'exp', 'svc'],
        });
        return {
          value: assertSchema<ServiceName>('ServiceName', payload['svc'], 'The service'),
          exp: payload.exp ?? 0,
        };
      });
    } catch (e) {
      if (e instanceof errors.JWKSNoMatchingKey) {
        this.invalidate();
        throw new AppError('UNAUTHENTICATED', 401, 'The service credential is signed by an unknown key');
      }
      throw new AppError('UNAUTHENTICATED', 401, 'The service credential is not valid');
    }
  }

  /** Drops the cached keys, e.g. when a rotation event arrives. */
  invalidate(): void {
    this.fetchedAt = 0;
  }

  private async check(token: string): Promise<Principal> {
    const keySet = this.keySet;
    if (!keySet)
      throw new AppError('SERVICE_UNAVAILABLE', 503, 'Token keys are not available yet; try again shortly');
    const { principal, facts } = await this.remembered(token, async () => {
      const { payload } = await jwtVerify(token, keySet, {
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        algorithms: [TOKEN_ALGORITHM],
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      const principal = principalFromPayload(payload);
      const facts = { sid: payload['sid'] as string | undefined, sub: principal.id, iat: payload.iat ?? 0 };
      return { value: { principal, facts }, exp: payload.exp ?? 0 };
    });
    // Revocation is asked every time: a sign-in may end while its token is remembered.
    if (this.revocations?.isRevoked({ ...facts, agencyId: principal.agencyId }))
      throw new AppError(
        'SESSION_REVOKED',
        401,
        'This sign-in has ended or its rights changed; sign in again',
      );
    return { ...principal };
  }

  /**
   * What checking `key` found, from memory while its token has not expired; checked (and kept)
   * otherwise. A check that fails is not kept: the next use is checked again.
   */
  private async remembered<T>(key: string, check: () => Promise<{ value: T; exp: number }>): Promise<T> {
    const known = this.verified.get(key);
    if (known && known.until > Date.now()) return known.value as T;
    if (known) this.verified.delete(key);
    const generation = this.generation;
    const { value, exp } = await check();
    if (generation !== this.generation) return value; // checked against a key set since replaced
    if (this.verified.size >= VERIFIED_CAPACITY) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(key, { value, until: (exp + CLOCK_TOLERANCE_S) * 1000 });
    return value;
  }

  private reload(): Promise<void> {
    if (this.loading) return this.loading;
    const since = Date.now();
    this.loadingSince = since;
    this.loading = this.source
      .load()
      .then((jwks) => {
        this.keySet = createLocalJWKSet(jwks);
        this.fetchedAt = since;
        this.generation++;
        this.verified.clear();
      })
      .catch((e) => {
        this.logger.warn({ error: String(e) }, 'could not load the signing keys');
        if (!this.keySet)
          throw new AppError(
            'SERVICE_UNAVAILABLE',
            503,
            'Token keys are not available yet; try again shortly',
          );
      })
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }
}

function toAuthError(e: unknown): AppError {
  if (e instanceof AppError && e.status !== 400) return e; // 400: a signed principal that breaks the contract is no valid token either
  if (e instanceof errors.JWTExpired)
    return new AppError('TOKEN_EXPIRED', 401, 'The access token has expired; refresh it');
  return new AppError('UNAUTHENTICATED', 401, 'The access token is not valid');
}
