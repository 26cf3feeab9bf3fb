import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { NotificationsEnv } from '@berkas/config';
import { AppError, type ContactsRequest, type EventMap, type NoticeFacts } from '@berkas/contracts';
import { DrainLoop, ServiceClient } from '@berkas/messaging';
import type { Person } from '../../domain/channel-choice';
import {
  noticesOfEscalation,
  noticesOfHandoff,
  noticesOfReminder,
  noticesOfStep,
  type Audience,
  type PlannedNotice,
} from '../../domain/notice-plan';
import { MessageLedger, type NewMessage } from '../messages/message-ledger';
import { ConsentBook } from '../preferences/consent-book';
import { DailyDigest, DIGESTED, type DigestItem } from '../digest/daily-digest';
import { MessageComposer } from '../messages/message-composer';
import { MessageSender } from '../messages/message-sender';

const POLL_MS = 1000;
const BATCH = 32;
const LEASE_SECONDS = 60;
const MAX_WAIT_MS = 5 * 60_000;
const RECORD_RETRY_MS = 500;

interface Owed {
  messages: NewMessage[];
  digest: DigestItem[];
}

/** The events notices are taken from (NoticeIntake), each with its data as the contract types it. */
type NoticeEvent =
  | 'evt.permits.application-changed'
  | 'evt.permits.task.overdue'
  | 'evt.permits.reminder-due'
  | 'evt.tracking.handoff-changed';

type Pending = { id: string; attempts: number } & {
  [S in NoticeEvent]: { event_type: S; data: EventMap[S] };
}[NoticeEvent];

/**
 * Lookups shared by the notices of one pass: under load, most of a pass's notices go to the same
 * people (the officers of the stage files move to), who are then asked of identity, and their
 * choices read, once a pass instead of once a notice. Kept for that pass only (well under a second).
 */
class PassLookups {
  private readonly answers = new Map<string, Promise<unknown>>();

  once<T>(key: unknown, load: () => Promise<T>): Promise<T> {
    const k = JSON.stringify(key);
    let answer = this.answers.get(k) as Promise<T> | undefined;
    if (!answer) this.answers.set(k, (answer = load()));
    return answer;
  }
}

/**
 * Works out what each pending notice owes: the facts of the step from permits, the people from
 * identity, then one message per person on the first channel open to them (the others kept as its
 * fallbacks), written with the notice marked planned in one transaction. A notice whose lookups fail
 * stays pending and is tried again with back-off; a replay writes nothing twice.
 */
@Injectable()
export class NoticePlanner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('NoticePlanner');
  private readonly loop = new DrainLoop('NoticePlanner', () => this.planDue(), POLL_MS);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly services: ServiceClient,
    private readonly ledger: MessageLedger,
    private readonly sender: MessageSender,
    private readonly consents: ConsentBook,
    private readonly composer: MessageComposer,
    private readonly digests: DailyDigest,
    private readonly env: NotificationsEnv,
  ) {}

  kick(): void {
    this.loop.kick();
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  private async planDue(): Promise<void> {
    for (;;) {
      const [due] = (await this.dataSource.query(
        `UPDATE notices SET next_attempt_at = now() + make_interval(secs => $1)
         WHERE id IN (SELECT id FROM notices WHERE state = 'pending' AND next_attempt_at <= now()
                      ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING id, event_type, data, attempts`,
        [LEASE_SECONDS, BATCH],
      )) as [Pending[], number];
      if (!due.length) return;
      // Files are planned side by side; one file's notices in the order they happened, so its
      // people's messages are written (and sent) in that order too.
      const lookups = new PassLookups();
      await Promise.all(
        [...byFile(due).values()].map(async (notices) => {
          for (const notice of notices) await this.plan(notice, lookups);
        }),
      );
      this.sender.kick();
      if (due.length < BATCH) return;
    }
  }

  private async plan(notice: Pending, lookups: PassLookups): Promise<void> {
    try {
      const planned = await this.noticesOf(notice);
      const owed = await Promise.all(planned.map((p) => this.messagesOf(notice.id, p, lookups)));
      await this.dataSource.transaction(async (m) => {
        await this.ledger.add(
          m,
          owed.flatMap((o) => o.messages),
        );
        await this.digests.gather(
          m,
          notice.id,
          owed.flatMap((o) => o.digest),
        );
        await m.query(
          `UPDATE notices SET state = 'planned', planned_at = now(), last_error = NULL WHERE id = $1`,
          [notice.id],
        );
      });
    } catch (e) {
      const attempts = notice.attempts + 1;
      const wait = Math.min(1000 * 2 ** attempts, MAX_WAIT_MS);
      this.logger.warn(
        { noticeId: notice.id, attempts, error: String(e) },
        'a notice could not be planned yet',
      );
      await this.putBack(notice.id, attempts, String(e).slice(0, 500), wait);
    }
  }

  /**
   * Records a failed attempt and when to try again. What failed is often the database connection
   * itself (PostgreSQL restarted, connections terminated): the record is tried once more on another
   * connection, so the notice is not left to its lease (a minute) for one dropped connection. Should
   * that fail too, the lease brings the notice back; the pass goes on with the others either way.
   */
  private async putBack(id: string, attempts: number, error: string, waitMs: number): Promise<void> {
    const record = () =>
      this.dataSource.query(
        `UPDATE notices SET attempts = $2, last_error = $3, next_attempt_at = now() + make_interval(secs => $4)
         WHERE id = $1`,
        [id, attempts, error, waitMs / 1000],
      );
    try {
      await record().catch(async () => {
        await new Promise((r) => setTimeout(r, RECORD_RETRY_MS));
        await record();
      });
    } catch (e) {
      this.logger.warn(
        { noticeId: id, error: String(e) },
        'a failed attempt could not be recorded; its lease brings it back',
      );
    }
  }

  /** What the event owes, from the facts permits gives (a file gone since owes nothing). */
  private async noticesOf(notice: Pending): Promise<PlannedNotice[]> {
    const publicUrl = this.env.publicUrl;
    if (notice.event_type === 'evt.tracking.handoff-changed') return noticesOfHandoff(notice.data, publicUrl);
    const historySeq =
      notice.event_type === 'evt.permits.application-changed' ? notice.data.historySeq : undefined;
    const facts = await this.facts(notice.data.applicationId, historySeq);
    if (!facts) return [];
    switch (notice.event_type) {
      case 'evt.permits.task.overdue':
        return noticesOfEscalation(notice.data, facts, publicUrl);
      case 'evt.permits.reminder-due':
        return noticesOfReminder(notice.data, facts, publicUrl);
      case 'evt.permits.application-changed':
        return noticesOfStep(facts, publicUrl);
    }
  }

  private async facts(applicationId: string, historySeq: number | undefined): Promise<NoticeFacts | null> {
    try {
      return await this.services.request(
        'permits.notices.facts',
        { applicationId, ...(historySeq ? { historySeq } : {}) },
        { asService: true },
      );
    } catch (e) {
      if (e instanceof AppError && e.status === 404) return null;
      throw e;
    }
  }

  /** The messages a notice owes its people, and what officers who chose a digest get in it instead. */
  private async messagesOf(noticeId: string, planned: PlannedNotice, lookups: PassLookups): Promise<Owed> {
    const people = await this.audience(planned.audience, lookups);
    const personIds = people.map((p) => p.personId);
    const choices = await lookups.once(['choices', personIds], () => this.consents.choicesOf(personIds));
    const owed: Owed = { messages: [], digest: [] };
    for (const person of people) {
      const chosen = choices(person.personId);
      if (person.kind === 'staff' && chosen.digest && DIGESTED.has(planned.notice))
        owed.digest.push({ personId: person.personId, ...planned });
      else owed.messages.push(this.composer.compose({ noticeId, ...planned }, person, chosen));
    }
    return owed;
  }

  private async audience(audience: Audience, lookups: PassLookups): Promise<Person[]> {
    const ask = (request: ContactsRequest) =>
      lookups.once(['contacts', request], () => this.contacts(request));
    if ('applicantId' in audience)
      return ask(
        audience.companyId ? { companyIds: [audience.companyId] } : { applicantIds: [audience.applicantId] },
      );
    if ('staffIds' in audience) return ask({ staffIds: audience.staffIds });
    const holders = await ask({ roles: [audience.role] });
    if (holders.length || !audience.orRole) return holders;
    return ask({ roles: [{ agencyId: audience.role.agencyId, role: audience.orRole }] });
  }

  private async contacts(request: ContactsRequest): Promise<Person[]> {
    const { people } = await this.services.request('identity.contacts.resolve', request, { asService: true });
    return people;
  }
}

/** Due notices grouped by the file they are about (a dossier's by its handoff), each group in order. */
function byFile(due: Pending[]): Map<string, Pending[]> {
  const groups = new Map<string, Pending[]>();
  for (const notice of due) {
    const key = 'applicationId' in notice.data ? notice.data.applicationId : notice.id;
    groups.set(key, [...(groups.get(key) ?? []), notice]);
  }
  return groups;
}
