import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  cloudEvent,
  HEADERS,
  type EventMap,
  type EventSubject,
  type TypedCloudEvent,
} from '@berkas/contracts';
import { RequestContext } from '@berkas/observability';
import { OutboxEvent } from './outbox.entity';
import { OUTBOX_CHANNEL } from './outbox-relay';

/**
 * Writes events into the outbox inside the caller's transaction, so an event exists if and only if
 * the state change that caused it was committed. The relay publishes it afterwards.
 */
@Injectable()
export class Outbox {
  async add<S extends EventSubject>(
    manager: EntityManager,
    type: S,
    data: EventMap[S],
    options: { source: string; subject?: string },
  ): Promise<TypedCloudEvent<S>> {
    const event = cloudEvent(type, data, options);
    const ctx = RequestContext.current();
    await manager.insert(OutboxEvent, {
      id: event.id,
      subject: type,
      payload: event,
      headers: ctx ? { [HEADERS.requestId]: ctx.requestId } : {},
    });
    // Delivered by PostgreSQL only when the surrounding transaction commits, to every replica's relay.
    await manager.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, '']);
    return event;
  }
}
