import { randomUUID } from 'node:crypto';
import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { durableConsumer, type AnyCloudEvent, type EventSubject } from '@berkas/contracts';
import { IdempotentConsumers } from '@berkas/messaging';
import { NoticePlanner } from './notice-planner';

/** History steps that never owe anyone a message: a draft made or edited. */
const SILENT_STEPS = new Set(['created', 'form-updated']);

/**
 * Takes the events someone must hear about off JetStream, durably and once each: the event is kept
 * as a pending notice in the transaction that records it as processed, and acknowledged after. What
 * it owes (asking permits and identity) is worked out after, by the planner, so no request to another
 * service is ever made while the event's transaction is open.
 */
@Injectable()
export class NoticeIntake implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly running: Array<{ stop(): Promise<void> }> = [];

  constructor(
    private readonly consumers: IdempotentConsumers,
    private readonly planner: NoticePlanner,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.running.push(
      await this.consumers.start({
        ...durableConsumer('notifications-permits'),
        skip: (event) => !owesMessages(event),
        handle: (event, m) => this.keep(event, m),
      }),
      await this.consumers.start({
        ...durableConsumer('notifications-custody'),
        skip: (event) => event.data.status === 'received',
        handle: (event, m) => this.keep(event, m),
      }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.running.map((c) => c.stop()));
  }

  private async keep(event: AnyCloudEvent<EventSubject>, m: EntityManager): Promise<void> {
    await m.query(
      `INSERT INTO notices (id, event_id, event_type, data, state) VALUES ($1, $2, $3, $4, 'pending')
       ON CONFLICT (event_id) DO NOTHING`,
      [randomUUID(), event.id, event.type, JSON.stringify(event.data)],
    );
    // After this transaction commits: the planner reads the row it wrote.
    setImmediate(() => this.planner.kick());
  }
}

/** Whether an event of permits may owe someone a message, told from the event alone. */
function owesMessages(event: AnyCloudEvent<EventSubject>): boolean {
  if (event.type === 'evt.permits.task.overdue' || event.type === 'evt.permits.reminder-due') return true;
  if (event.type !== 'evt.permits.application-changed') return false;
  const data = event.data as { change: string; historySeq?: number };
  return data.historySeq !== undefined && !SILENT_STEPS.has(data.change);
}
