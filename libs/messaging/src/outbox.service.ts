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

/**
 * Writes events into the outbox inside the caller's transaction, so an event exists if and only if
 * the state change that caused it was committed. The relay publishes it afterwards, woken by the
 * outbox's NOTIFY trigger when the transaction commits.
 */
@Injectable()
export class Outbox {
  async add<S extends EventSubject>(
    manager: EntityManager,
    type: S,
    data: EventMap[S],
    options: { source: string; subject?: string },
  ): Promise<TypedCloudEvent<S>> {
    const row = this.row(type, data, options);
    await manager.insert(OutboxEvent, row);
    return row.payload;
  }

  /**
   * The outbox row of an event, for a caller that writes it itself as part of a larger statement
   * (a ledger writing a whole transition at once); the event is validated here all the same.
   */
  row<S extends EventSubject>(
    type: S,
    data: EventMap[S],
    options: { source: string; subject?: string },
  ): { id: string; subject: S; payload: TypedCloudEvent<S>; headers: Record<string, string> } {
    const event = cloudEvent(type, data, options);
    const ctx = RequestContext.current();
    return {
      id: event.id,
      subject: type,
      payload: event,
      headers: ctx ? { [HEADERS.requestId]: ctx.requestId } : {},
    };
  }
}
