import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SignJWT } from 'jose';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { IdentityEnv } from '@berkas/config';
import { AppError, type LoginRequest, type Principal, type TokenPair } from '@berkas/contracts';
import { claimsFor, TOKEN_ALGORITHM, TOKEN_AUDIENCE, TOKEN_ISSUER } from '@berkas/auth';
import { loginNameOf } from '../../domain/contact';
import { SigningKeysService } from '../keys/signing-keys.service';
import { Credential, LoginName, RefreshToken, type PrincipalKind } from './credential.entity';
import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from './passwords';
import { PrincipalsService } from './principals.service';

const sha256 = (token: string) => createHash('sha256').update(token).digest();
const invalidCredentials = () =>
  new AppError('INVALID_CREDENTIALS', 401, 'The username or password is wrong');

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
  ) {}

  async login({ username, password }: LoginRequest): Promise<TokenPair> {
    const name = loginNameOf(username);
    const outcome = await this.dataSource.transaction(async (m) => {
      const login = name ? await m.findOneBy(LoginName, { name }) : null;
      const credential = login
        ? await m
            .getRepository(Credential)
            .createQueryBuilder('c')
            .setLock('pessimistic_write')
            .where({ principalKind: login.principalKind, principalId: login.principalId })
            .getOne()
        : null;
      if (!login || !credential) {
        await verifyPassword(await dummyPasswordHash(), password);
        return { ok: false as const };
      }
      const now = new Date();
      if (credential.lockedUntil && credential.lockedUntil > now) {
        return {
          ok: false as const,
          lockedFor: Math.ceil((credential.lockedUntil.getTime() - now.getTime()) / 1000),
        };
      }
      if (!(await verifyPassword(credential.passwordHash, password))) {
        credential.failedAttempts += 1;
        const over = credential.failedAttempts - this.env.loginMaxAttempts;
        // Back-off doubles from one minute with each further failure, up to an hour.
        if (over >= 0)
          credential.lockedUntil = new Date(now.getTime() + Math.min(60 * 2 ** over, 3600) * 1000);
        await m.save(credential);
        return { ok: false as const, lockedFor: over >= 0 ? Math.min(60 * 2 ** over, 3600) : undefined };
      }
      credential.failedAttempts = 0;
      credential.lockedUntil = null;
      credential.lastLoginAt = now;
      if (needsRehash(credential.passwordHash)) credential.passwordHash = await hashPassword(password);
      await m.save(credential);
      const principal = await this.principals.build(login.principalKind, login.principalId, m);
      return { ok: true as const, pair: await this.issue(m, login.principalKind, principal, randomUUID()) };
    });
    if (outcome.ok) return outcome.pair;
    if (outcome.lockedFor) {
      throw new AppError(
        'ACCOUNT_LOCKED',
        429,
        `Too many failed sign-ins; try again in ${Math.ceil(outcome.lockedFor / 60)} minute(s)`,
        undefined,
        outcome.lockedFor,
      );
    }
    throw invalidCredentials();
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
        await this.revokeFamily(m, token.familyId, 'reuse-detected');
        this.logger.warn(
          { familyId: token.familyId, principalId: token.principalId },
          'refresh token reused; family revoked',
        );
        return { error: 'reused' as const };
      }
      token.usedAt = new Date();
      await m.save(token);
      const principal = await this.principals.build(token.principalKind, token.principalId, m);
      return { pair: await this.issue(m, token.principalKind, principal, token.familyId) };
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

  /** Ends every sign-in of a principal, e.g. when an officer is deactivated or changes password. */
  async revokeAll(
    m: EntityManager,
    kind: PrincipalKind,
    principalId: string,
    reason: string,
  ): Promise<number> {
    const result = await m.update(
      RefreshToken,
      { principalKind: kind, principalId, revokedAt: IsNull() },
      { revokedAt: new Date(), revokeReason: reason },
    );
    return result.affected ?? 0;
  }

  private async revokeFamily(m: EntityManager, familyId: string, reason: string): Promise<number> {
    const result = await m.update(
      RefreshToken,
      { familyId, revokedAt: IsNull() },
      { revokedAt: new Date(), revokeReason: reason },
    );
    return result.affected ?? 0;
  }

  private async issue(
    m: EntityManager,
    kind: PrincipalKind,
    principal: Principal,
    familyId: string,
  ): Promise<TokenPair> {
    const key = await this.keys.activeKey();
    const ttl = this.env.accessTokenTtlSeconds;
    const accessToken = await new SignJWT({ ...claimsFor(principal) })
      .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: key.kid, typ: 'JWT' })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setSubject(principal.id)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${ttl}s`)
      .sign(key.privateKey);
    const refreshToken = randomBytes(32).toString('base64url');
    const refreshTtl = this.env.refreshTokenTtlDays * 24 * 3600;
    await m.insert(RefreshToken, {
      familyId,
      principalKind: kind,
      principalId: principal.id,
      tokenHash: sha256(refreshToken),
      expiresAt: new Date(Date.now() + refreshTtl * 1000),
    });
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: ttl, refreshExpiresIn: refreshTtl };
  }
}
