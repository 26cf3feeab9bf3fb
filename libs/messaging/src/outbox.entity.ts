import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** An event committed with the state change that caused it, waiting for the relay to publish it. */
@Entity('outbox')
@Index('outbox_unsent_idx', ['seq'], { where: 'sent_at IS NULL' })
export class OutboxEvent {
  /** The CloudEvent id; also the JetStream Nats-Msg-Id, so a repeated publish is dropped by the broker. */
  @PrimaryColumn('uuid')
  id: string;

  /** Publication order. */
  @Column({ type: 'bigint', generated: 'increment', unique: true })
  seq: string;

  @Column('text')
  subject: string;

  /** The whole CloudEvent as published. */
  @Column('jsonb')
  payload: object;

  @Column('jsonb', { default: {} })
  headers: Record<string, string>;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  sentAt: Date | null;

  @Column('int', { default: 0 })
  attempts: number;

  @Column('text', { nullable: true })
  lastError: string | null;
}

/** Event ids a consumer has applied, written in the consumer's own transaction. */
@Entity('processed_events')
export class ProcessedEvent {
  @PrimaryColumn('text')
  consumer: string;

  @PrimaryColumn('uuid')
  eventId: string;

  @Column('timestamptz', { default: () => 'now()' })
  processedAt: Date;
}

export const MESSAGING_ENTITIES = [OutboxEvent, ProcessedEvent];
