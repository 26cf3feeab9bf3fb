import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A message identity owes someone (a one-time code, a notice), queued with the change that owes it. */
@Entity('outgoing_messages')
export class OutgoingMessageRecord {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('varchar', { length: 5 })
  /** Identity writes to people by email, or SMS without one (WhatsApp is the notifications service's). */
  channel: 'email' | 'sms';

  @Column('text')
  recipient: string;

  @Column('text', { nullable: true })
  subject: string | null;

  /** Erased once sent when `secret` (a one-time code has no business lying in the database). */
  @Column('text', { nullable: true })
  body: string | null;

  @Column('boolean')
  secret: boolean;

  @Column('varchar', { length: 6 })
  status: 'queued' | 'sent' | 'failed';

  @Column('int')
  attempts: number;

  @Column('timestamptz')
  nextAttemptAt: Date;

  @Column('text', { nullable: true })
  lastError: string | null;

  @Column('text', { nullable: true })
  providerId: string | null;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  sentAt: Date | null;
}
