import { createHash, randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import {
  DeliverPolicy,
  DiscardPolicy,
  headers as natsHeaders,
  RetentionPolicy,
  StorageType,
  type ConsumerMessages,
  type NatsConnection,
} from 'nats';
import { ensureStream } from './event-stream';

export interface SharedCountersOptions {
  /** The JetStream stream the replicas' hits go through. */
  stream: string;
  /** Length of a counting window. */
  windowMs: number;
  /** How long a replica gathers hits before it tells the others. */
  flushMs: number;
  /** JetStream replicas of the stream (3 on a cluster, like the event stream). */
  replicas: number;
}

export interface Verdict {
  allowed: boolean;
  limit: number;
  /** Hits left in this window after this one (0 when refused). */
  remaining: number;
  /** Seconds until the window ends and the count starts again. */
  resetSeconds: number;
}

interface Count {
  window: number;
  /** Hits the other replicas reported. */
  others: number;
  /** This replica's hits already reported. */
  own: number;
  /** This replica's hits not reported yet. */
  pending: number;
}

/** One replica's report: the hits per counted key since its last one, for a window. */
interface HitsReport {
  w: number;
  h: Array<[string, number]>;
}

const REPLICA_HEADER = 'Berkas-Replica';
const SUBJECT = (stream: string) => `${stream.toLowerCase()}.hits`;

/**
 * Fixed-window counters every replica of a service shares, so N replicas behind a balancer allow
 * what one does, not N times it. A hit is decided from memory: what the other replicas reported,
 * plus this replica's own hits. Every `flushMs` a replica publishes its new hits, all keys in one
 * message, to a JetStream stream that every replica reads (a replica that starts reads the current
 * window back first). The request path never waits on NATS, and a busy minute costs one small
 * message per replica per `flushMs`, whatever the number of clients.
 *
 * The price is bounded: others' hits are seen up to `flushMs` late (plus delivery), so a client
 * spread over N replicas can get at most (N - 1) × its hits per `flushMs` beyond the limit. Without
 * NATS the counters go on per replica (logged), never refusing everyone. Keys hold a digest of
 * what is counted (a client address, a principal id), never the value.
 */
export class SharedCounters {
  private readonly logger = new Logger('SharedCounters');
  private readonly replica = randomUUID();
  private readonly counts = new Map<string, Count>();
  private sequence = 0;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private reading: Promise<void> | null = null;
  private messages: ConsumerMessages | null = null;
  private degraded = false;
  private closed = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: SharedCountersOptions,
  ) {}

  /**
   * Joins the stream and reads the current window's hits of the other replicas; resolves once they
   * are counted (or NATS is unreachable, when the counters go on per replica).
   */
  start(): Promise<void> {
    this.reading ??= this.follow().catch((e: unknown) => {
      this.reading = null; // try again at the next flush
      this.degrade(e);
    });
    return this.reading;
  }

  /** Counts one hit of `subject` in `scope` against `limit`; refused hits are not counted. */
  hit(scope: string, subject: string, limit: number, now = Date.now()): Verdict {
    const window = Math.floor(now / this.options.windowMs);
    const resetSeconds = Math.max(1, Math.ceil(((window + 1) * this.options.windowMs - now) / 1000));
    const count = this.countOf(`${scope}.${digest(subject)}`, window);
    const used = count.others + count.own + count.pending;
    if (used >= limit) return { allowed: false, limit, remaining: 0, resetSeconds };
    count.pending++;
    this.timer ??= setTimeout(() => void this.flush(), this.options.flushMs).unref();
    return { allowed: true, limit, remaining: limit - used - 1, resetSeconds };
  }

  /** How many hits of `subject` in `scope` this replica knows of in the current window. */
  used(scope: string, subject: string, now = Date.now()): number {
    const count = this.counts.get(`${scope}.${digest(subject)}.${Math.floor(now / this.options.windowMs)}`);
    return count ? count.others + count.own + count.pending : 0;
  }

  /** Reports this replica's new hits to the others; one report at a time. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.flushing ??= this.report().finally(() => {
      this.flushing = null;
      if (!this.closed && [...this.counts.values()].some((c) => c.pending > 0))
        this.timer ??= setTimeout(() => void this.flush(), this.options.flushMs).unref();
    });
    return this.flushing;
  }

  /** Stops reading; a last flush() afterwards still reports what this replica counted. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    void this.messages?.close();
  }

  private countOf(key: string, window: number): Count {
    const id = `${key}.${window}`;
    let count = this.counts.get(id);
    if (!count) this.counts.set(id, (count = { window, others: 0, own: 0, pending: 0 }));
    return count;
  }

  private async report(): Promise<void> {
    const current = Math.floor(Date.now() / this.options.windowMs);
    for (const [id, count] of this.counts) if (count.window < current - 1) this.counts.delete(id);
    if (!this.closed) void this.start();
    const byWindow = new Map<number, Array<[string, Count]>>();
    for (const [id, count] of this.counts)
      if (count.pending > 0) byWindow.set(count.window, [...(byWindow.get(count.window) ?? []), [id, count]]);
    for (const [window, entries] of byWindow) {
      const sent = entries.map(([id, count]) => [id, count, count.pending] as const);
      for (const [, count, n] of sent) {
        count.own += n;
        count.pending -= n;
      }
      const report: HitsReport = {
        w: window,
        h: sent.map(([id, , n]) => [id.slice(0, id.lastIndexOf('.')), n]),
      };
      const hdrs = natsHeaders();
      hdrs.set(REPLICA_HEADER, this.replica);
      try {
        await this.nc.jetstream().publish(SUBJECT(this.options.stream), JSON.stringify(report), {
          headers: hdrs,
          msgID: `${this.replica}.${this.sequence++}`,
        });
        this.recovered();
      } catch (e) {
        for (const [, count, n] of sent) {
          count.own -= n; // reported again with the next batch
          count.pending += n;
        }
        this.degrade(e);
        return;
      }
    }
  }

  /** Creates the stream if missing and counts every other replica's report from the last window on. */
  private async follow(): Promise<void> {
    await ensureStream(this.nc, {
      name: this.options.stream,
      subjects: [SUBJECT(this.options.stream)],
      storage: StorageType.Memory,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      num_replicas: this.options.replicas,
      max_age: 2 * this.options.windowMs * 1e6,
      duplicate_window: 60 * 1e9,
    });
    const since = (Math.floor(Date.now() / this.options.windowMs) - 1) * this.options.windowMs;
    // Reports already in the stream when we join are the window so far: count them before answering
    // ready, so a replica that just started does not hand out a fresh allowance.
    const { state } = await (await this.nc.jetstreamManager()).streams.info(this.options.stream);
    const backlogUntil = new Date(state.last_ts).getTime() >= since ? state.last_seq : 0;
    const consumer = await this.nc.jetstream().consumers.get(this.options.stream, {
      deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: new Date(since).toISOString(),
    });
    const messages = await consumer.consume();
    this.messages = messages;
    let caughtUp: () => void = () => undefined;
    const ready = new Promise<void>((r) => (caughtUp = r));
    if (!backlogUntil) caughtUp();
    void (async () => {
      for await (const m of messages) {
        if (m.headers?.get(REPLICA_HEADER) !== this.replica) {
          const report = m.json<HitsReport>();
          for (const [key, n] of report.h) this.countOf(key, report.w).others += n;
        }
        if (m.seq >= backlogUntil) caughtUp();
      }
      this.reading = null; // the consumer ended (NATS gone): join again at the next flush
    })().catch((e: unknown) => this.degrade(e));
    await ready;
    this.recovered();
  }

  private degrade(e: unknown): void {
    if (!this.degraded)
      this.logger.warn({ error: String(e) }, 'shared counters unreachable; counting in this replica only');
    this.degraded = true;
  }

  private recovered(): void {
    if (this.degraded) this.logger.log('shared counters reachable again');
    this.degraded = false;
  }
}

/** A short digest: what is counted (an address, an id) never appears in the stream. */
const digest = (subject: string) => createHash('sha256').update(subject).digest('base64url').slice(0, 22);
