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
import type { DataSource } from 'typeorm';
import { DatabaseEnv } from '@berkas/config';
import { metricsRegistry } from '@berkas/observability';
import { NATS_CONNECTION } from './nats.module';
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
  payload: object;
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
    return this.dataSource.transaction(async (manager) => {
      const rows: OutboxRow[] = await manager.query(
        `SELECT id, subject, payload, headers FROM outbox WHERE sent_at IS NULL
         ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [BATCH],
      );
      // All of the batch goes out at once and the acks come back in order on the one connection:
      // waiting for each ack before the next publish made delivery ~1 ms per queued event.
      const acks = await Promise.allSettled(
        rows.map((row) => {
          const hdrs = natsHeaders();
          for (const [k, v] of Object.entries(row.headers ?? {})) hdrs.set(k, v);
          return this.js.publish(row.subject, JSON.stringify(row.payload), { msgID: row.id, headers: hdrs });
        }),
      );
      const sent: string[] = [];
      for (const [i, ack] of acks.entries()) {
        const row = rows[i];
        if (ack.status === 'fulfilled') {
          published.inc({ duplicate: String(ack.value.duplicate) });
          sent.push(row.id);
          continue;
        }
        // Only the run before the first failure is marked sent; the rest is published again on the
        // next pass (JetStream drops the ones it already has by Nats-Msg-Id), so nothing is lost.
        // Such a failure can let later events in ahead of this one, which is why consumers order
        // what they apply by the event's own time, never by arrival.
        await manager.query('UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1', [
          row.id,
          String(ack.reason),
        ]);
        this.logger.warn(
          { eventId: row.id, subject: row.subject, error: String(ack.reason) },
          'publish failed; will retry',
        );
        break;
      }
      if (sent.length) {
        await manager.query(
          'UPDATE outbox SET sent_at = now(), attempts = attempts + 1 WHERE id = ANY($1::uuid[])',
          [sent],
        );
      }
      pending.set(rows.length - sent.length);
      return sent.length;
    });
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
