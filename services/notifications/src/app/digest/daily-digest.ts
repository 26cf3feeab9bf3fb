import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { NotificationsEnv } from '@berkas/config';
import { DrainLoop, ServiceClient } from '@berkas/messaging';
import type { PlannedNotice } from '../../domain/notice-plan';
import { localTimeIn } from '@berkas/contracts';
import { MessageComposer } from '../messages/message-composer';
import { MessageLedger } from '../messages/message-ledger';
import { MessageSender } from '../messages/message-sender';
import { ConsentBook } from '../preferences/consent-book';
import { WorkingDays } from './working-days';

/** Notices an officer who chose the digest gets in it instead of one by one. */
export const DIGESTED = new Set(['task-queued', 'task-due']);
const EVERY_MS = 60_000;
/** One line per file in the digest; the rest are counted. */
const MAX_LINES = 50;

/** A notice held for an officer's digest. */
export type DigestItem = PlannedNotice & { personId: string };

/**
 * Officers' daily digests: what they chose not to get one by one (a task in their queue, a task due
 * tomorrow) is gathered, and once a working day, from DIGEST_HOUR in their region's time, each
 * officer with anything gathered gets one message listing it. One digest per officer and local day,
 * whichever replica writes it; what arrives after it waits for the next.
 */
@Injectable()
export class DailyDigest implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DailyDigest');
  private readonly loop = new DrainLoop('DailyDigest', () => this.runOnce().then(() => undefined), EVERY_MS);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly services: ServiceClient,
    private readonly workingDays: WorkingDays,
    private readonly consents: ConsentBook,
    private readonly composer: MessageComposer,
    private readonly ledger: MessageLedger,
    private readonly sender: MessageSender,
    private readonly env: NotificationsEnv,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  /** Keeps a notice's items for the digests of the officers who chose one (in the notice's transaction). */
  async gather(m: EntityManager, noticeId: string, items: DigestItem[]): Promise<void> {
    for (const item of items)
      await m.query(
        `INSERT INTO digest_items (notice_id, person_id, notice, region_code, application_id, variables)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [
          noticeId,
          item.personId,
          item.notice,
          item.file.regionCode,
          item.applicationId,
          JSON.stringify(item.variables),
        ],
      );
  }

  /** One pass: the digests due at `now`; answers how many were written. */
  async runOnce(now = new Date()): Promise<number> {
    const waiting: Array<{ person_id: string; region_code: string }> = await this.dataSource.query(
      `SELECT person_id, min(region_code) AS region_code FROM digest_items
       WHERE digest_notice_id IS NULL GROUP BY person_id`,
    );
    let written = 0;
    for (const { person_id: personId, region_code: regionCode } of waiting) {
      const local = localTimeIn(regionCode, now);
      if (local.hour < this.env.digestHour || !(await this.workingDays.isWorkingDay(regionCode, local.date)))
        continue;
      try {
        if (await this.write(personId, local.date, regionCode)) written++;
      } catch (e) {
        this.logger.warn({ personId, error: String(e) }, 'a digest could not be written yet');
      }
    }
    if (written) this.sender.kick();
    return written;
  }

  private async write(personId: string, localDate: string, regionCode: string): Promise<boolean> {
    const { people } = await this.services.request(
      'identity.contacts.resolve',
      { staffIds: [personId] },
      { asService: true },
    );
    const person = people[0];
    if (!person) return false; // no longer an active officer: nothing goes, the items stay unsent
    const chosen = (await this.consents.choicesOf([personId]))(personId);
    return this.dataSource.transaction(async (m) => {
      const noticeId = randomUUID();
      const claimed: unknown[] = await m.query(
        `INSERT INTO digests (person_id, local_date, notice_id) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING person_id`,
        [personId, localDate, noticeId],
      );
      if (!claimed.length) return false; // today's went out already; these wait for tomorrow's
      await m.query(
        `INSERT INTO notices (id, event_id, event_type, data, state, planned_at)
         VALUES ($1, $2, 'digest', $3, 'planned', now())`,
        [noticeId, randomUUID(), JSON.stringify({ personId, localDate })],
      );
      const [items] = (await m.query(
        `UPDATE digest_items SET digest_notice_id = $2 WHERE person_id = $1 AND digest_notice_id IS NULL
         RETURNING notice, variables, created_at`,
        [personId, noticeId],
      )) as [Array<{ notice: string; variables: Record<string, string>; created_at: Date }>, number];
      const lines = items
        .sort((a, b) => a.created_at.getTime() - b.created_at.getTime())
        .map((i) => lineOf(i.notice, i.variables));
      const shown = lines.slice(0, MAX_LINES);
      if (lines.length > shown.length)
        shown.push(`… dan ${lines.length - shown.length} lainnya / and ${lines.length - shown.length} more`);
      const message = this.composer.compose(
        {
          noticeId,
          notice: 'digest',
          variables: {
            count: String(items.length),
            items: shown.join('\n'),
            link: `${this.env.publicUrl}/meja`,
          },
          applicationId: null,
          file: { applicantId: null, companyId: null, regionCode },
        },
        person,
        chosen,
      );
      await this.ledger.add(m, [message]);
      return true;
    });
  }
}

/** One line of a digest: what it is, the file, its stage and due date. */
function lineOf(notice: string, v: Record<string, string>): string {
  const what = notice === 'task-due' ? 'Tenggat besok / due tomorrow' : 'Tugas baru / new task';
  return `- ${what}: ${v['stage'] ?? ''} ${v['trackingNumber'] ?? ''} (${v['dueDate'] ?? '-'}) ${v['link'] ?? ''}`;
}
