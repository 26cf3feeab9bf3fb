import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AckPolicy, DeliverPolicy, type ConsumerMessages, type JsMsg, type NatsConnection } from 'nats';
import type { DataSource, EntityManager } from 'typeorm';
import { NatsEnv } from '@berkas/config';
import {
  assertEvent,
  HEADERS,
  matchesFilter,
  type AnyCloudEvent,
  type EventsMatching,
} from '@berkas/contracts';
import { RequestContext, requestIdFrom } from '@berkas/observability';
import { twoTripTransaction } from '@berkas/persistence';
import { NATS_CONNECTION } from './nats-connection';

/** Handles one event of those `F` matches, its data typed by its type (proto/). */
export type EventHandler<F extends string = string> = (
  event: AnyCloudEvent<EventsMatching<F>>,
  manager: EntityManager,
) => Promise<void>;

export interface ConsumerOptions<F extends string = string> {
  /** Durable consumer name; also the key under which processed event ids are remembered. */
  durable: string;
  /** Subject filter, e.g. `evt.tracking.>`. */
  filterSubject: F;
  handle: EventHandler<F>;
  /**
   * Events the handler has nothing to do for, known from the event alone: acknowledged at once,
   * without a transaction (there is no effect to apply twice). Must never skip one with an effect.
   */
  skip?: (event: AnyCloudEvent<EventsMatching<F>>) => boolean;
  maxDeliver?: number;
  /**
   * One event at a time across all replicas, a failed one retried before the next: for handlers that
   * must see events in the order they were committed (a dossier's public progress).
   */
  inOrder?: boolean;
}

export type ProcessOutcome = 'applied' | 'duplicate' | 'skipped' | 'rejected' | 'failed';

/**
 * Applies each JetStream event at most once: the event id is recorded in processed_events in the
 * same transaction as the handler's writes, and the message is acknowledged only after commit. A
 * redelivery (crash before ack, broker retry, replay) finds the id and is acknowledged untouched.
 */
@Injectable()
export class IdempotentConsumers {
  private readonly logger = new Logger('Consumer');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly env: NatsEnv,
  ) {}

  /** Ensures the durable consumer and processes its messages until `stop()` is called. */
  async start<F extends string>(options: ConsumerOptions<F>): Promise<{ stop(): Promise<void> }> {
    const jsm = await this.nc.jetstreamManager();
    await jsm.consumers.add(this.env.eventsStream, {
      durable_name: options.durable,
      filter_subject: options.filterSubject,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      max_deliver: options.maxDeliver ?? 20,
      // In order, an event held by a crashed replica blocks the rest until redelivered: keep it short.
      ack_wait: (options.inOrder ? 5 : 30) * 1e9,
      ...(options.inOrder ? { max_ack_pending: 1 } : {}),
    });
    const consumer = await this.nc.jetstream().consumers.get(this.env.eventsStream, options.durable);
    // Pulls expire (and heartbeats run) every few seconds instead of the default 30 s, so a consumer
    // whose NATS node died notices within seconds and pulls again through another node.
    const messages: ConsumerMessages = await consumer.consume({ max_messages: 64, expires: 5000 });
    const done = (async () => {
      for await (const msg of messages) await this.process(msg, options);
    })();
    return {
      stop: async () => {
        await messages.close();
        await done;
      },
    };
  }

  /** Handles one delivery; exposed so tests can deliver the same message twice. */
  async process<F extends string>(
    msg: Pick<JsMsg, 'data' | 'headers' | 'ack' | 'nak' | 'term' | 'info'>,
    options: ConsumerOptions<F>,
  ): Promise<ProcessOutcome> {
    let event: AnyCloudEvent<EventsMatching<F>>;
    try {
      // The envelope, then the data against its event's own schema: what reaches a handler is typed.
      const any = assertEvent(JSON.parse(Buffer.from(msg.data).toString('utf8')));
      if (!matchesFilter(any, options.filterSubject))
        throw new Error(`${any.type} is not one of ${options.filterSubject}`);
      event = any;
    } catch (e) {
      this.logger.error({ consumer: options.durable, error: String(e) }, 'unreadable event; terminated');
      msg.term();
      return 'rejected';
    }
    if (options.skip?.(event)) {
      msg.ack();
      return 'skipped';
    }
    const requestId = requestIdFrom(msg.headers?.get(HEADERS.requestId) || undefined);
    try {
      // The event's id is claimed with BEGIN in one round trip: every event of the system passes here.
      const claim = {
        sql: `INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id`,
        params: [options.durable, event.id],
        prepared: 'berkas_claim_event',
      };
      const applied = await RequestContext.run({ requestId }, () =>
        twoTripTransaction(this.dataSource, claim, async (fresh, tx) => {
          if (!fresh.length) return false;
          await options.handle(event, tx.manager);
          return true;
        }),
      );
      msg.ack();
      return applied ? 'applied' : 'duplicate';
    } catch (e) {
      const attempt = msg.info?.redeliveryCount ?? 1;
      this.logger.warn(
        { consumer: options.durable, eventId: event.id, attempt, error: String(e) },
        'handler failed; will retry',
      );
      msg.nak(Math.min(1000 * 2 ** attempt, 60000));
      return 'failed';
    }
  }
}
