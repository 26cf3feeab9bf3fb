import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { headers as natsHeaders, type JetStreamClient, type NatsConnection } from 'nats';
import { Counter, Gauge } from 'prom-client';
import type { DataSource, EntityManager } from 'typeorm';
import { DatabaseEnv } from '@berkas/config';
import { twoTripTransaction } from '@berkas/persistence';
import { metricsRegistry } from '@berkas/observability';
import { NATS_CONNECTION } from './nats-connection';
import { PostgresListener } from './postgres-listener';

/** Notified by the outbox's insert trigger (migration NotifyOutboxByTrigger) when a transaction commits. */
export const OUTBOX_CHANNEL = 'berkas_outbox';
const BATCH = 200;
const POLL_MS = 1000;
const RETENTION_DAYS = 7;
const CLEANUP_EVERY_MS = 10 * 60 * 1000;

const published = new Counter({
  name: 'berkas_outbox_published_total',
  help: 'Outbox events published to JetStream, by whether the broker had already seen them',
  labelNames: ['duplicate'] as const,
  registers: [metricsRegistry],
});
const pending = new Gauge({
  name: 'berkas_outbox_pending',
  help: 'Outbox events not yet acknowledged by JetStream after the last relay pass',
  registers: [metricsRegistry],
});

interface OutboxRow {
  id: string;
  subject: string;
  payload: { subject?: string };
  headers: Record<string, string>;
}

/**
 * Publishes committed outbox rows to JetStream in order, with Nats-Msg-Id = event id, and marks them
 * sent only after the broker acknowledged them. Rows are claimed with FOR UPDATE SKIP LOCKED, so
 * several replicas can relay side by side. Woken by NOTIFY on commit; polls as a fallback.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private readonly js: JetStreamClient;
  private running = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private listener: PostgresListener | null = null;
  private lastCleanup = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    private readonly db: DatabaseEnv,
  ) {
    this.js = nc.jetstream();
  }

  onApplicationBootstrap(): void {
    this.running = true;
    // Woken by every commit that wrote to the outbox; on (re)connect, catch up on what was missed.
    this.listener = new PostgresListener(
      this.db,
      OUTBOX_CHANNEL,
      { onNotify: () => this.nudge(), onListening: () => this.nudge() },
      this.logger,
    );
    this.listener.start();
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.nudge();
    await this.loop;
    await this.listener?.stop();
  }

  /** Ends the current wait so the next pass starts now. */
  nudge(): void {
    this.wake?.();
  }

  /** One pass: publishes up to BATCH unsent rows; returns how many were marked sent. */
  async publishPending(): Promise<number> {
    // BEGIN travels with the claim and COMMIT with the mark: two round trips a pass, not four.
    const claim = {
      sql: `SELECT id, subject, payload, headers FROM outbox WHERE sent_at IS NULL
            ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
      params: [BATCH],
      prepared: 'berkas_outbox_claim',
    };
    return twoTripTransaction<number, OutboxRow>(this.dataSource, claim, async (rows, tx) => {
      const manager = tx.manager;
      // Events of different records go out together; those of one record (the CloudEvent subject,
      // e.g. an application) one after another, each after the previous one's ack. Waiting for every
      // ack in turn made delivery ~1 ms per queued event, while sending a record's events together
      // could, when one publish failed, let its successor into the stream first, and consumers that
      // skip what is older than what they applied would then lose the failed one's effect.
      const chains = new Map<string, Promise<boolean>>();
      const delivered = await Promise.all(
        rows.map((row) => {
          const key = row.payload.subject ?? row.subject;
          const previous = chains.get(key) ?? Promise.resolve(true);
          const mine = previous.then((ok) => ok && this.publishOne(manager, row));
          chains.set(key, mine);
          return mine;
        }),
      );
      // A record's events after a failed one were not sent; the next pass sends them in order.
      const sent = rows.filter((_, i) => delivered[i]).map((row) => row.id);
      if (sent.length) {
        await tx.commitWith({
          sql: 'UPDATE outbox SET sent_at = now(), attempts = attempts + 1 WHERE id = ANY($1::uuid[])',
          params: [sent],
          prepared: 'berkas_outbox_sent',
        });
      }
      pending.set(rows.length - sent.length);
      return sent.length;
    });
  }

  /** Publishes one outbox row; a failure is recorded on the row and answered as false. */
  private async publishOne(manager: EntityManager, row: OutboxRow): Promise<boolean> {
    try {
      const hdrs = natsHeaders();
      for (const [k, v] of Object.entries(row.headers ?? {})) hdrs.set(k, v);
      const ack = await this.js.publish(row.subject, JSON.stringify(row.payload), {
        msgID: row.id,
        headers: hdrs,
      });
      published.inc({ duplicate: String(ack.duplicate) });
      return true;
    } catch (e) {
      await manager.query('UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1', [
        row.id,
        String(e),
      ]);
      this.logger.warn(
        { eventId: row.id, subject: row.subject, error: String(e) },
        'publish failed; will retry',
      );
      return false;
    }
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let sent = 0;
      try {
        sent = await this.publishPending();
        await this.cleanup();
        failures = 0;
      } catch (e) {
        failures++;
        this.logger.warn({ error: String(e) }, 'relay pass failed');
      }
      if (sent === BATCH && !failures) continue;
      await this.sleep(failures ? Math.min(POLL_MS * 2 ** failures, 30000) : POLL_MS);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  /** Sent rows are kept a week for diagnosis, then deleted so the table stays small. */
  private async cleanup(): Promise<void> {
    if (Date.now() - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = Date.now();
    await this.dataSource.query(`DELETE FROM outbox WHERE sent_at < now() - make_interval(days => $1)`, [
      RETENTION_DAYS,
    ]);
  }
}
