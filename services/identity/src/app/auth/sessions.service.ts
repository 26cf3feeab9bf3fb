import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SignJWT } from 'jose';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { IdentityEnv } from '@berkas/config';
import {
  AppError,
  type CounterOfficer,
  type LoginRequest,
  type Principal,
  type SessionsRevoked,
  type TokenPair,
} from '@berkas/contracts';
import { Outbox } from '@berkas/messaging';
import { RequestContext } from '@berkas/observability';
import { claimsFor, TOKEN_ALGORITHM, TOKEN_AUDIENCE, TOKEN_ISSUER } from '@berkas/auth';
import { loginNameOf } from '../../domain/contact';
import { SigningKeysService } from '../keys/signing-keys.service';
import { Credential, RefreshToken, type PrincipalKind } from './credential.entity';
import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from './passwords';
import { PrincipalsService } from './principals.service';
import { announceRevocation } from './revocations';
import { SignInThrottle } from './sign-in-throttle';

type Revocation = SessionsRevoked['reason'];

const sha256 = (token: string) => createHash('sha256').update(token).digest();
const invalidCredentials = () =>
  new AppError('INVALID_CREDENTIALS', 401, 'The username or password is wrong');
const tooManyFailures = (seconds: number) =>
  new AppError(
    'SIGN_IN_PAUSED',
    429,
    `Too many failed sign-ins to this name from here; try again in ${Math.ceil(seconds / 60)} minute(s)`,
    undefined,
    seconds,
  );
/** How long an officer's sign-in as a walk-in applicant may last: one counter shift. */
const COUNTER_SIGN_IN_HOURS = 8;
/** No failed sign-in is answered sooner: how long the checks took says nothing about the name. */
const FAILURE_FLOOR_MS = 150;

/**
 * Sign-in, token refresh and sign-out. Access tokens are short-lived JWTs signed with the active
 * Ed25519 key; refresh tokens are random, stored hashed, single-use, and grouped in families so a
 * reused (stolen) one revokes every token of that sign-in.
 */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger('Sessions');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keys: SigningKeysService,
    private readonly principals: PrincipalsService,
    private readonly env: IdentityEnv,
    private readonly outbox: Outbox,
    private readonly throttle: SignInThrottle,
  ) {}

  /**
   * Signs in with a name (email, phone, NIP) and password. Every failure answers alike whether the
   * name is anyone's: the same words, the same throttling (SignInThrottle counts names, not
   * accounts), one password hash checked either way, and no answer sooner than FAILURE_FLOOR_MS.
   */
  async login({ username, password }: LoginRequest): Promise<TokenPair> {
    const started = Date.now();
    const name = loginNameOf(username) ?? username.trim().toLowerCase();
    const client = RequestContext.current()?.clientAddress ?? 'unknown';
    const fail = async (error: AppError): Promise<never> => {
      await new Promise((r) => setTimeout(r, Math.max(0, started + FAILURE_FLOOR_MS - Date.now())));
      throw error;
    };
    const attempt = await this.throttle.begin(name, client);
    if ('waitSeconds' in attempt) return fail(tooManyFailures(attempt.waitSeconds));
    const [account] = (await this.dataSource.query(
      `SELECT l.principal_kind AS kind, l.principal_id AS id, c.password_hash AS hash,
              c.password_change_required AS "changeRequired"
       FROM login_names l JOIN credentials c ON c.principal_kind = l.principal_kind AND c.principal_id = l.principal_id
       WHERE l.name = $1`,
      [name],
    )) as Array<{ kind: PrincipalKind; id: string; hash: string; changeRequired: boolean }>;
    const right = await verifyPassword(account?.hash ?? (await dummyPasswordHash()), password);
    if (!account || !right) {
      const wait = await this.throttle.failed(attempt, account ?? null);
      return fail(wait ? tooManyFailures(wait) : invalidCredentials());
    }
    return this.dataSource.transaction(async (m) => {
      const notice = await this.throttle.succeeded(m, attempt);
      await m.update(
        Credential,
        { principalKind: account.kind, principalId: account.id },
        {
          lastLoginAt: new Date(),
          ...(needsRehash(account.hash) ? { passwordHash: await hashPassword(password) } : {}),
        },
      );
      const pair = await this.startSignIn(m, account.kind, account.id);
      return {
        ...pair,
        ...(notice ? { signInNotice: notice } : {}),
        ...(account.changeRequired ? { passwordChangeRequired: true } : {}),
      };
    });
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const result = await this.dataSource.transaction(async (m) => {
      const token = await m
        .getRepository(RefreshToken)
        .createQueryBuilder('t')
        .setLock('pessimistic_write')
        .where({ tokenHash: sha256(refreshToken) })
        .getOne();
      if (!token || token.revokedAt || token.expiresAt <= new Date()) return { error: 'invalid' as const };
      if (token.usedAt) {
        // Someone is replaying a token that was already exchanged: end the whole sign-in.
        await this.revokeFamily(m, token.familyId, 'refresh-token-reused');
        this.logger.warn(
          { familyId: token.familyId, principalId: token.principalId },
          'refresh token reused; family revoked',
        );
        return { error: 'reused' as const };
      }
      token.usedAt = new Date();
      await m.save(token);
      const principal = await this.principals.build(token.principalKind, token.principalId, m);
      if (token.assistedBy) {
        // A counter sign-in lasts while its officer may still work the counter.
        await this.principals.build('staff', token.assistedBy.id, m);
        principal.assistedBy = token.assistedBy;
      }
      return {
        pair: await this.issue(m, token.principalKind, principal, token.familyId, token.expiresAt),
      };
    });
    if ('pair' in result && result.pair) return result.pair;
    if (result.error === 'reused') {
      throw new AppError('REFRESH_TOKEN_REUSED', 401, 'This refresh token was already used; sign in again');
    }
    throw new AppError('INVALID_REFRESH_TOKEN', 401, 'The refresh token is not valid; sign in again');
  }

  /** Revokes the sign-in the token belongs to; unknown tokens revoke nothing (and say so). */
  async logout(refreshToken: string): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const token = await m.findOneBy(RefreshToken, { tokenHash: sha256(refreshToken) });
      return token ? this.revokeFamily(m, token.familyId, 'logout') : 0;
    });
  }

  /**
   * Ends every sign-in of a principal, e.g. when an officer is deactivated or changes password: no
   * refresh token works again, and every service refuses the access tokens already out.
   */
  async revokeAll(
    m: EntityManager,
    kind: PrincipalKind,
    principalId: string,
    reason: Extract<Revocation, 'deactivated' | 'reassigned' | 'password-changed'>,
  ): Promise<number> {
    const result = await m.update(
      RefreshToken,
      { principalKind: kind, principalId, revokedAt: IsNull() },
      { revokedAt: new Date(), revokeReason: reason },
    );
    await announceRevocation(this.outbox, m, { reason, principalId });
    return result.affected ?? 0;
  }

  /** A new sign-in (token family) for an account whose password was just proven. */
  async startSignIn(m: EntityManager, kind: PrincipalKind, principalId: string): Promise<TokenPair> {
    const principal = await this.principals.build(kind, principalId, m);
    return this.issue(m, kind, principal, randomUUID());
  }

  /**
   * A sign-in as a walk-in applicant for the officer serving them at the counter: marked with the
   * officer in every token, and over by the end of the working day however often it is refreshed.
   */
  async startAssistedSignIn(
    m: EntityManager,
    applicantId: string,
    officer: CounterOfficer,
  ): Promise<TokenPair> {
    const principal = { ...(await this.principals.build('applicant', applicantId, m)), assistedBy: officer };
    const ends = new Date(Date.now() + COUNTER_SIGN_IN_HOURS * 3600_000);
    return this.issue(m, 'applicant', principal, randomUUID(), ends);
  }

  private async revokeFamily(
    m: EntityManager,
    familyId: string,
    reason: Extract<Revocation, 'logout' | 'refresh-token-reused'>,
  ): Promise<number> {
    const result = await m.update(
      RefreshToken,
      { familyId, revokedAt: IsNull() },
      { revokedAt: new Date(), revokeReason: reason },
    );
    await announceRevocation(this.outbox, m, { reason, sessionId: familyId });
    return result.affected ?? 0;
  }

  private async issue(
    m: EntityManager,
    kind: PrincipalKind,
    principal: Principal,
    familyId: string,
    /** The sign-in's own end (a counter's), which refreshing does not push back. */
    endsAt?: Date,
  ): Promise<TokenPair> {
    const key = await this.keys.activeKey();
    const ttl = this.env.accessTokenTtlSeconds;
    // `sid` names the sign-in (the refresh token family), so signing out revokes its access tokens
    // too; `iat` in milliseconds (a NumericDate may be fractional, RFC 7519), so a revocation tells
    // the tokens issued before it from those issued after it in the same second.
    const accessToken = await new SignJWT({ ...claimsFor(principal), sid: familyId, iat: Date.now() / 1000 })
      .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: key.kid, typ: 'JWT' })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setSubject(principal.id)
      .setJti(randomUUID())
      .setExpirationTime(`${ttl}s`)
      .sign(key.privateKey);
    const refreshToken = randomBytes(32).toString('base64url');
    const usualEnd = new Date(Date.now() + this.env.refreshTokenTtlDays * 24 * 3600_000);
    const expiresAt = endsAt && endsAt < usualEnd ? endsAt : usualEnd;
    const refreshTtl = Math.max(1, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
    await m.insert(RefreshToken, {
      familyId,
      principalKind: kind,
      principalId: principal.id,
      tokenHash: sha256(refreshToken),
      expiresAt,
      assistedBy: principal.assistedBy ?? null,
    });
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: ttl, refreshExpiresIn: refreshTtl };
  }
}
