import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AppError, REQUESTS, type RequestSubject } from '@berkas/contracts';
import { RequestContext } from '@berkas/observability';
import { canonicalJson } from '@berkas/persistence';

/**
 * Transactions a client may retry safely. When the request is one proto/ declares `idempotent` and
 * carries an Idempotency-Key, the key is claimed in the same transaction as the work and the reply
 * stored with it: a retry (after a lost
 * answer, a timeout, a crashed replica) gets the first reply back and changes nothing; two copies
 * racing wait on the key's row and the second gets the first's reply. The key belongs to the caller
 * and the subject; the same key with a different request is refused (422).
 */
@Injectable()
export class IdempotentTransactions {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Whether the current request carries an Idempotency-Key to claim: proto/ declares which requests
   * take one; elsewhere a key means nothing and is not stored. Without one, a caller may run its
   * transaction its own way (fewer round trips) instead of through `run`.
   */
  keyed(): boolean {
    const ctx = RequestContext.current();
    return !!(ctx?.idempotencyKey && ctx.rpc && REQUESTS[ctx.rpc.subject as RequestSubject]?.idempotent);
  }

  run<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    const ctx = RequestContext.current();
    if (!this.keyed() || !ctx?.rpc || !ctx.idempotencyKey) return this.dataSource.transaction(work);
    const scope = `${ctx.principal?.id ?? 'anonymous'} ${ctx.rpc.subject}`;
    const key = ctx.idempotencyKey;
    const requestHash = createHash('sha256').update(canonicalJson(ctx.rpc.payload)).digest('hex');
    return this.dataSource.transaction(async (m) => {
      const claimed = await m.query(
        `INSERT INTO idempotency_keys (scope, key, request_hash) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING key`,
        [scope, key, requestHash],
      );
      if (!claimed.length) {
        const [earlier] = await m.query(
          `SELECT request_hash, reply FROM idempotency_keys WHERE scope = $1 AND key = $2`,
          [scope, key],
        );
        if (earlier.request_hash !== requestHash)
          throw new AppError(
            'IDEMPOTENCY_KEY_REUSED',
            422,
            'This Idempotency-Key was used for a different request; use a new key for a new request',
          );
        return earlier.reply as T;
      }
      const reply = await work(m);
      await m.query(`UPDATE idempotency_keys SET reply = $3 WHERE scope = $1 AND key = $2`, [
        scope,
        key,
        JSON.stringify(reply ?? null),
      ]);
      return reply;
    });
  }
}
