import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ChannelName, TemplateUse } from '@berkas/delivery';
import type { MessageStatus } from '../../domain/message-status';
import type { Language } from '../templates/templates';

/** A notice taken from an event (once per event), until the messages it owes are written. */
@Entity('notices')
export class NoticeRecord {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  eventId: string;

  @Column('text')
  eventType: string;

  @Column('jsonb')
  data: Record<string, unknown>;

  @Column('varchar', { length: 7 })
  state: 'pending' | 'planned';

  @Column('int')
  attempts: number;

  @Column('timestamptz')
  nextAttemptAt: Date;

  @Column('text', { nullable: true })
  lastError: string | null;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  plannedAt: Date | null;
}

/** One message owed to one person on one channel for one notice. */
@Entity('messages')
export class MessageRecord {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  noticeId: string;

  @Column('varchar', { length: 40 })
  notice: string;

  @Column('uuid', { nullable: true })
  applicationId: string | null;

  @Column('uuid', { nullable: true })
  applicantId: string | null;

  @Column('uuid', { nullable: true })
  companyId: string | null;

  @Column('varchar', { length: 4, nullable: true })
  regionCode: string | null;

  @Column('uuid')
  recipientId: string;

  @Column('varchar', { length: 9 })
  recipientKind: 'applicant' | 'staff';

  @Column('text')
  recipientName: string;

  @Column('varchar', { length: 8 })
  channel: ChannelName;

  @Column('text')
  address: string;

  @Column('varchar', { length: 2 })
  language: Language;

  /** What the templates were filled with: a fallback on another channel is rendered from them. */
  @Column('jsonb')
  variables: Record<string, string>;

  @Column('text', { nullable: true })
  subject: string | null;

  @Column('text')
  body: string;

  @Column('jsonb', { nullable: true })
  template: TemplateUse | null;

  /** The version of its notice's wording it was made from (none: written before versions were kept). */
  @Column('int', { nullable: true })
  templateVersion?: number | null;

  @Column('varchar', { length: 9 })
  status: MessageStatus;

  @Column('text', { nullable: true })
  reason: string | null;

  @Column('int')
  attempts: number;

  @Column('timestamptz')
  nextAttemptAt: Date;

  @Column('text', { nullable: true })
  providerId: string | null;

  /** Set while a replica hands the message to its provider; still set on takeover, the send was interrupted. */
  @Column('timestamptz', { nullable: true })
  sendStartedAt: Date | null;

  @Column('uuid', { nullable: true })
  fallbackFor: string | null;

  /** The channels left to try, in order, should this one fail or die. */
  @Column('jsonb')
  fallbacks: Array<{ channel: ChannelName; address: string }>;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz')
  updatedAt: Date;
}

/** Every status a message went through and who said so (the sender, or the provider by webhook). */
@Entity('message_statuses')
export class MessageStatusRecord {
  @PrimaryColumn('bigint')
  id: string;

  @Column('uuid')
  messageId: string;

  @Column('varchar', { length: 9 })
  status: MessageStatus;

  @Column('varchar', { length: 8 })
  source: 'sender' | 'provider';

  @Column('text', { nullable: true })
  detail: string | null;

  @Column('timestamptz')
  at: Date;

  @Column('timestamptz')
  recordedAt: Date;
}

export const NOTIFICATIONS_ENTITIES = [NoticeRecord, MessageRecord, MessageStatusRecord];
