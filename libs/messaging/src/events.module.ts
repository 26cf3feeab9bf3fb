import { Module } from '@nestjs/common';
import { EventStream } from './event-stream';
import { IdempotentConsumers } from './idempotent-consumer';
import { IdempotentTransactions } from './idempotent-transactions';
import { Outbox } from './outbox.service';
import { OutboxRelay } from './outbox-relay';

/**
 * Durable events for a service with a database: the JetStream stream, the outbox writer and relay,
 * and idempotent consumers. Needs NatsModule and PersistenceModule (with MESSAGING_ENTITIES and
 * CreateMessagingTables in the service's migrations).
 */
@Module({
  providers: [EventStream, OutboxRelay, Outbox, IdempotentConsumers, IdempotentTransactions],
  exports: [Outbox, OutboxRelay, IdempotentConsumers, IdempotentTransactions],
})
export class EventsModule {}
