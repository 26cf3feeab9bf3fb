import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { IdentityEnv } from '@berkas/config';
import type { SignInNotice } from '@berkas/contracts';
import { Outbox } from '@berkas/messaging';
import { current, gate, lockFor, type SignInPolicy } from '../../domain/sign-in-policy';
import type { PrincipalKind } from './credential.entity';
import { SignInThrottleRecord } from './sign-in-throttle.entity';

/** The across-clients row of a name. */
const ACROSS_CLIENTS = Buffer.alloc(32);
const digest = (text: string) => createHash('sha256').update(text).digest();

/** An attempt under way: counted as a failure until it succeeds. */
export interface Attempt {
  nameHash: Buffer;
  clientHash: Buffer;
}

/**
 * Keeps the counts sign-in-policy decides on, in PostgreSQL so every identity replica sees them.
 * An attempt is counted before its password is checked (the check is slow), so attempts racing in
 * parallel cannot slip past the limit; a success takes its count back. No row lock is held while
 * the password is checked.
 */
@Injectable()
export class SignInThrottle {
  private readonly policy: SignInPolicy;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    env: IdentityEnv,
  ) {
    this.policy = { maxAttempts: env.loginMaxAttempts, accountAlarm: env.loginAccountAlarm };
  }

  /** Counts the attempt and answers it, or the seconds to wait before this client may try this name. */
  async begin(name: string, clientAddress: string): Promise<Attempt | { waitSeconds: number }> {
    const attempt = { nameHash: digest(`name:${name}`), clientHash: digest(`client:${clientAddress}`) };
    return this.dataSource.transaction(async (m) => {
      const now = new Date();
      const [client, across] = await this.rows(m, attempt, now);
      const verdict = gate(client, across, this.policy, now);
      if (!verdict.go) {
        if (verdict.lock)
          await m.update(SignInThrottleRecord, this.key(client), { lockedUntil: verdict.lock });
        return { waitSeconds: Math.ceil((verdict.until.getTime() - now.getTime()) / 1000) };
      }
      // The wait served (if any) is spent: this is the one more try.
      await this.save(m, { ...client, failures: client.failures + 1, lockedUntil: null });
      await this.save(m, { ...across, failures: across.failures + 1 });
      return attempt;
    });
  }

  /**
   * The password was right: the client starts afresh, and the owner hears of the failures since
   * their last sign-in (from anywhere), which are then told.
   */
  async succeeded(m: EntityManager, attempt: Attempt): Promise<SignInNotice | null> {
    const now = new Date();
    const [, across] = await this.rows(m, attempt, now);
    await m.delete(SignInThrottleRecord, { nameHash: attempt.nameHash, clientHash: attempt.clientHash });
    await this.save(m, { ...across, failures: Math.max(0, across.failures - 1), unseenFailures: 0 });
    return across.unseenFailures > 0 && across.lastFailedAt
      ? { failedAttempts: across.unseenFailures, lastFailedAt: across.lastFailedAt.toISOString() }
      : null;
  }

  /**
   * The password was wrong (or the name nobody's). Answers the seconds this client must now wait,
   * or 0; when it must, and the name is someone's, identity says so on the event stream (for the
   * owner to be told).
   */
  async failed(attempt: Attempt, owner: { kind: PrincipalKind; id: string } | null): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const now = new Date();
      const [client, across] = await this.rows(m, attempt, now);
      const lock = lockFor(client.failures, this.policy, now);
      await this.save(m, { ...client, lockedUntil: lock });
      await this.save(m, { ...across, unseenFailures: across.unseenFailures + 1, lastFailedAt: now });
      if (lock && owner)
        await this.outbox.add(
          m,
          'evt.identity.sign-ins-paused',
          {
            principalKind: owner.kind,
            principalId: owner.id,
            failedAttempts: across.unseenFailures + 1,
            until: lock.toISOString(),
          },
          { source: '/berkas/identity', subject: owner.id },
        );
      return lock ? Math.ceil((lock.getTime() - now.getTime()) / 1000) : 0;
    });
  }

  /** The client's and the across-clients rows of the attempt's name, locked, as of `now`. */
  private async rows(
    m: EntityManager,
    attempt: Attempt,
    now: Date,
  ): Promise<[SignInThrottleRecord, SignInThrottleRecord]> {
    const keys = [attempt.clientHash, ACROSS_CLIENTS];
    await m
      .createQueryBuilder()
      .insert()
      .into(SignInThrottleRecord)
      .values(
        keys.map((clientHash) => ({
          nameHash: attempt.nameHash,
          clientHash,
          failures: 0,
          windowStartedAt: now,
          unseenFailures: 0,
        })),
      )
      .orIgnore()
      .execute();
    // One order for every attempt (by client hash), so two attempts never wait on each other's rows.
    const rows = await m
      .getRepository(SignInThrottleRecord)
      .createQueryBuilder('t')
      .setLock('pessimistic_write')
      .where('t.name_hash = :name AND t.client_hash IN (:...keys)', { name: attempt.nameHash, keys })
      .orderBy('t.client_hash')
      .getMany();
    const find = (key: Buffer) => {
      const row = rows.find((r) => r.clientHash.equals(key));
      if (!row) throw new Error('a sign-in throttle row was not there after its insert');
      return current(row, now);
    };
    return [find(attempt.clientHash), find(ACROSS_CLIENTS)];
  }

  private key(row: SignInThrottleRecord) {
    return { nameHash: row.nameHash, clientHash: row.clientHash };
  }

  private async save(m: EntityManager, row: SignInThrottleRecord): Promise<void> {
    const { nameHash: _n, clientHash: _c, ...values } = row;
    await m.update(SignInThrottleRecord, this.key(row), values);
  }
}
