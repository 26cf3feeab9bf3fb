import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import { LRUCache } from 'lru-cache';
import { DataSource } from 'typeorm';
import type { TokenPair } from '@berkas/contracts';
import { ApiClient, ApiProblem } from '../api/api-client';
import { SignIn } from './sign-in.entity';

/** An access token this close to its end is renewed before use, so no call meets an expired one. */
const RENEW_BEFORE_MS = 30_000;

const tokensOf = (pair: TokenPair) => ({
  accessToken: pair.accessToken,
  accessExpiresAt: new Date(Date.now() + pair.expiresIn * 1000),
  refreshToken: pair.refreshToken,
  refreshExpiresAt: new Date(Date.now() + pair.refreshExpiresIn * 1000),
});
const fresh = (row: SignIn) => row.accessExpiresAt.getTime() - Date.now() > RENEW_BEFORE_MS;

/**
 * The tokens of each sign-in, in the web service's database: any replica can use them, and they
 * outlive a restart. Renewal goes through identity's refresh-token rotation; the refresh token never
 * leaves this service (the browser holds only the session cookie).
 */
@Injectable()
export class SignIns {
  private readonly logger = new Logger('SignIns');
  /**
   * Access tokens this replica read or renewed, until they are about to expire: most pages then ask
   * the database nothing about the sign-in. Safe to keep: a sign-out deletes the session (so no page
   * asks for this sign-in again), and a token revoked elsewhere is refused by the API, which ends it here.
   */
  private readonly recent = new LRUCache<string, SignIn>({ max: 10_000 });

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly api: ApiClient,
  ) {}

  /** Keeps a new sign-in's tokens; answers its id, which the session names. */
  async begin(pair: TokenPair, principalId: string): Promise<string> {
    const id = randomUUID();
    await this.dataSource
      .getRepository(SignIn)
      .insert({ id, principalId, ...tokensOf(pair), renewedAt: null });
    return id;
  }

  /** Puts the tokens of a new sign-in in place of sign-in `id`'s (after a password change ended the old ones). */
  async replace(id: string, pair: TokenPair): Promise<void> {
    this.recent.delete(id);
    await this.dataSource.getRepository(SignIn).update({ id }, { ...tokensOf(pair), renewedAt: new Date() });
  }

  /** The access token of sign-in `id`, renewed when about to expire; null once the sign-in has ended. */
  async accessToken(req: Request, id: string): Promise<string | null> {
    const known = this.recent.get(id);
    if (known && fresh(known)) return known.accessToken;
    const row = await this.dataSource.getRepository(SignIn).findOneBy({ id });
    if (!row) return null;
    if (!fresh(row)) return this.renew(req, id);
    this.recent.set(id, row);
    return row.accessToken;
  }

  /**
   * Two tabs or two replicas may find the token old at once. A refresh token works once (identity
   * ends the whole sign-in when one is used twice, as stolen), so the row is locked: one request
   * exchanges it and the others read what it got. The lock is on this person's row alone.
   */
  private renew(req: Request, id: string): Promise<string | null> {
    return this.dataSource.transaction(async (m) => {
      const row = await m.findOne(SignIn, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!row) return null;
      if (fresh(row)) return row.accessToken;
      let pair: TokenPair;
      try {
        pair = await this.api.post<TokenPair>(req, '/auth/refresh', { refreshToken: row.refreshToken });
      } catch (e) {
        // Revoked (signed out elsewhere, password changed, removed from a company) or expired.
        if (!(e instanceof ApiProblem) || (e.status !== 401 && e.status !== 403)) throw e;
        await m.delete(SignIn, { id });
        return null;
      }
      const renewed = { ...tokensOf(pair), renewedAt: new Date() };
      await m.update(SignIn, { id }, renewed);
      this.recent.set(id, { ...row, ...renewed });
      return pair.accessToken;
    });
  }

  /**
   * Ends sign-in `id`: identity revokes its tokens (the access token too, by its `sid`), then the row
   * goes. If identity cannot be reached the row goes anyway: nobody else holds the refresh token.
   */
  async end(req: Request | undefined, id: string): Promise<void> {
    this.recent.delete(id);
    const row = await this.dataSource.getRepository(SignIn).findOneBy({ id });
    if (!row) return;
    try {
      await this.api.post(req, '/auth/logout', { refreshToken: row.refreshToken });
    } catch (e) {
      this.logger.warn({ signInId: id, error: String(e) }, 'could not revoke the tokens of a sign-in');
    }
    await this.dataSource.getRepository(SignIn).delete({ id });
  }
}
