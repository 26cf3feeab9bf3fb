import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ChannelName } from '@berkas/delivery';
import { movesForward, type MessageStatus } from '../../domain/message-status';
import { WithdrawLinks } from '../preferences/withdraw-links';
import { TemplateBook } from '../templates/template-book';
import { MessageRecord } from './message.entity';

/** A message to write: everything but what sending and reports fill in. */
export type NewMessage = Omit<
  MessageRecord,
  'attempts' | 'nextAttemptAt' | 'providerId' | 'sendStartedAt' | 'createdAt' | 'updatedAt' | 'fallbackFor'
> & { fallbackFor?: string | null };

/** Statuses a message may be in for `to` to move it forward. */
const FROM: Record<MessageStatus, MessageStatus[]> = Object.fromEntries(
  (['queued', 'sent', 'delivered', 'read', 'failed', 'dead', 'skipped'] as MessageStatus[]).map((to) => [
    to,
    (['queued', 'sent', 'delivered', 'read', 'failed', 'dead', 'skipped'] as MessageStatus[]).filter((from) =>
      movesForward(from, to),
    ),
  ]),
) as Record<MessageStatus, MessageStatus[]>;

/**
 * Where messages are written and moved: each (notice, person, channel) once, each status change only
 * forward and recorded with who said so, and a message that failed or died replaced by the next
 * channel left to its person, once.
 */
@Injectable()
export class MessageLedger {
  private readonly logger = new Logger('Messages');
  constructor(
    private readonly links: WithdrawLinks,
    private readonly templates: TemplateBook,
  ) {}

  /** Writes the messages not written before (a replayed notice writes none); answers how many were new. */
  async add(m: EntityManager, messages: NewMessage[]): Promise<number> {
    let added = 0;
    for (const message of messages) {
      const id = message.id;
      const rows: Array<{ id: string }> = await m.query(
        `INSERT INTO messages (id, notice_id, notice, application_id, applicant_id, company_id, region_code,
           recipient_id, recipient_kind, recipient_name, channel, address, language, variables, subject, body,
           template, status, reason, fallback_for, fallbacks, template_version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
         ON CONFLICT (notice_id, recipient_id, channel) DO NOTHING RETURNING id`,
        [
          id,
          message.noticeId,
          message.notice,
          message.applicationId,
          message.applicantId,
          message.companyId,
          message.regionCode,
          message.recipientId,
          message.recipientKind,
          message.recipientName,
          message.channel,
          message.address,
          message.language,
          JSON.stringify(message.variables),
          message.subject,
          message.body,
          message.template ? JSON.stringify(message.template) : null,
          message.status,
          message.reason,
          message.fallbackFor ?? null,
          JSON.stringify(message.fallbacks),
          message.templateVersion ?? null,
        ],
      );
      if (!rows.length) continue;
      added++;
      await this.record(m, id, message.status, 'sender', message.reason, new Date());
    }
    return added;
  }

  /**
   * Moves a message to `to` if that is forward from where it is (see movesForward), with the status
   * recorded; a failed or dead message gets its fallback. Answers whether it moved.
   */
  async move(
    m: EntityManager,
    id: string,
    to: MessageStatus,
    source: 'sender' | 'provider',
    detail: { reason?: string | null; providerId?: string; attempts?: number; at?: Date } = {},
  ): Promise<boolean> {
    const [rows] = (await m.query(
      `UPDATE messages SET status = $2::varchar, updated_at = now(), send_started_at = NULL,
         reason = CASE WHEN $2::varchar IN ('failed', 'dead') THEN $3::text ELSE reason END,
         provider_id = COALESCE($4, provider_id), attempts = COALESCE($5, attempts)
       WHERE id = $1 AND status = ANY($6) RETURNING *`,
      [id, to, detail.reason ?? null, detail.providerId ?? null, detail.attempts ?? null, FROM[to]],
    )) as [Array<Record<string, unknown>>, number];
    const row = rows[0];
    if (!row) {
      // A provider's report got there first: keep what the send itself learnt all the same.
      if (detail.providerId || detail.attempts)
        await m.query(
          `UPDATE messages SET provider_id = COALESCE($2, provider_id), attempts = COALESCE($3, attempts) WHERE id = $1`,
          [id, detail.providerId ?? null, detail.attempts ?? null],
        );
      return false;
    }
    await this.record(m, id, to, source, detail.reason ?? null, detail.at ?? new Date());
    if (to === 'failed' || to === 'dead') await this.fallBack(m, row);
    return true;
  }

  /** A message that could not reach its person: the next channel left to them, rendered from the same words. */
  private async fallBack(m: EntityManager, row: Record<string, unknown>): Promise<void> {
    const fallbacks = row['fallbacks'] as Array<{ channel: ChannelName; address: string }>;
    const next = fallbacks[0];
    if (!next) return;
    const id = randomUUID();
    const variables = { ...(row['variables'] as Record<string, string>), stopLink: this.links.linkFor(id) };
    const language = row['language'] as 'id' | 'en';
    const rendered = this.templates.render(row['notice'] as string, next.channel, language, variables);
    const added = await this.add(m, [
      {
        id,
        noticeId: row['notice_id'] as string,
        notice: row['notice'] as string,
        applicationId: row['application_id'] as string | null,
        applicantId: row['applicant_id'] as string | null,
        companyId: row['company_id'] as string | null,
        regionCode: row['region_code'] as string | null,
        recipientId: row['recipient_id'] as string,
        recipientKind: row['recipient_kind'] as 'applicant' | 'staff',
        recipientName: row['recipient_name'] as string,
        channel: next.channel,
        address: next.address,
        language,
        variables,
        ...rendered,
        status: 'queued',
        reason: null,
        fallbackFor: row['id'] as string,
        fallbacks: fallbacks.slice(1),
      },
    ]);
    if (added)
      this.logger.log({ messageId: row['id'], channel: next.channel }, 'falling back to the next channel');
  }

  /** Adds a line to a message's history without moving it (e.g. why it is sent again). */
  note(m: EntityManager, messageId: string, status: MessageStatus, detail: string): Promise<void> {
    return this.record(m, messageId, status, 'sender', detail, new Date());
  }

  private async record(
    m: EntityManager,
    messageId: string,
    status: MessageStatus,
    source: 'sender' | 'provider',
    detail: string | null,
    at: Date,
  ): Promise<void> {
    await m.query(
      `INSERT INTO message_statuses (message_id, status, source, detail, at) VALUES ($1, $2, $3, $4, $5)`,
      [messageId, status, source, detail, at],
    );
  }
}
