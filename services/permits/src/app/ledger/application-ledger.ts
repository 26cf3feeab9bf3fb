import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import type { Actor, ApplicationEvent, EventMap, EventSubject } from '@berkas/contracts';
import { Outbox } from '@berkas/messaging';
import {
  chainEntries,
  checkChain,
  columnsOf,
  fromJsonRow,
  GENESIS_HASH,
  toJsonRow,
  twoTripTransaction,
  type ChainCheck,
} from '@berkas/persistence';
import { ApplicationRecord } from '../applications/application.entity';
import { IssuedPermitRecord } from '../issued/issued-permit.entity';
import { TaskRecord } from '../tasks/task.entity';

/** An application locked for the rest of the transaction, with its open and claimed tasks. */
export interface LockedApplication {
  app: ApplicationRecord;
  open: TaskRecord[];
}

/** A task locked with its application. */
export type LockedTask = LockedApplication & { task: TaskRecord };

/** One entry of the application's hash-chained history. */
export interface HistoryEntry {
  type: string;
  actor: Actor;
  data: Record<string, unknown>;
}

/** An event to publish once the change commits. */
export interface PendingEvent<S extends EventSubject = EventSubject> {
  type: S;
  data: EventMap[S];
  subject: string;
}

/** Columns of the application a change may set (its identity, applicant and chain are the ledger's). */
const APP_CHANGE_FIELDS = [
  'status',
  'form',
  'areaCode',
  'flow',
  'serviceClock',
  'submittedAt',
  'completeAt',
  'dueAt',
  'outcome',
  'fee',
  'correction',
  'trackingNumber',
  'updatedAt',
] as const satisfies readonly (keyof ApplicationRecord)[];
export type ApplicationChanges = Partial<Pick<ApplicationRecord, (typeof APP_CHANGE_FIELDS)[number]>>;

/** Columns of a task a change may set (its stage, agency and application are fixed when it opens). */
const TASK_CHANGE_FIELDS = [
  'status',
  'claimedBy',
  'claimedAt',
  'clock',
  'dueAt',
  'closedAt',
  'closedBy',
  'action',
  'note',
  'escalatedAt',
  'handoffId',
] as const satisfies readonly (keyof TaskRecord)[];
export type TaskChanges = Partial<Pick<TaskRecord, (typeof TASK_CHANGE_FIELDS)[number]>>;

/** Everything one transition writes, applied by `commit` as one statement. */
export interface ApplicationChange {
  app?: ApplicationChanges;
  tasks?: Array<{ id: string; changes: TaskChanges }>;
  newTasks?: TaskRecord[];
  history: HistoryEntry[];
  events?: PendingEvent[];
  permit?: IssuedPermitRecord;
}

/** Applications newest first: keyset (created_at, id). */
export const NEWEST_FIRST = ['timestamp', 'uuid'] as const;

/** The open and claimed tasks of application `a`, oldest first, as a JSON array (a subquery). */
export const OPEN_TASKS = `coalesce((SELECT jsonb_agg(to_jsonb(t) ORDER BY t.created_at, t.stage) FROM tasks t
  WHERE t.application_id = a.id AND t.status IN ('open', 'claimed')), '[]'::jsonb)`;

/** A task and its application, both locked, with the application's open tasks. */
const LOCK_TASK = `SELECT to_jsonb(t0) AS task, to_jsonb(a) AS app, ${OPEN_TASKS} AS open
  FROM tasks t0 JOIN applications a ON a.id = t0.application_id WHERE t0.id = $1 FOR UPDATE`;

type LockedRow = {
  task: Record<string, unknown>;
  app: Record<string, unknown>;
  open: Array<Record<string, unknown>>;
};

/** The open tasks after a change: those still open, as changed, then those it opens. */
export function openAfter(
  open: TaskRecord[],
  change: Pick<ApplicationChange, 'tasks' | 'newTasks'>,
): TaskRecord[] {
  const patches = new Map((change.tasks ?? []).map((t) => [t.id, t.changes]));
  return [
    ...open
      .map((t) => ({ ...t, ...(patches.get(t.id) ?? {}) }))
      .filter((t) => t.status === 'open' || t.status === 'claimed'),
    ...(change.newTasks ?? []),
  ];
}

const list = (columns: string[], alias?: string) =>
  columns.map((c) => (alias ? `${alias}.${c}` : c)).join(', ');

/**
 * The application aggregate's persistence: locking, typed changes, history appends and the chain's
 * verification, number sequences. Use cases decide (with the pure workflow engine); the ledger
 * writes. A transition is two round trips inside its transaction: one statement that locks the
 * application (and the task acted on) and reads its open tasks, one that writes the application,
 * its tasks, its history entries, its events and its permit together (data-modifying CTEs).
 */
@Injectable()
export class ApplicationLedger {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  /** The application, locked (every change to a file queues here), with its open tasks. */
  async lock(m: EntityManager, id: string): Promise<LockedApplication | null> {
    const [row] = await m.query(
      `SELECT to_jsonb(a) AS app, ${OPEN_TASKS} AS open FROM applications a WHERE a.id = $1 FOR UPDATE`,
      [id],
    );
    return row ? this.locked(m, row) : null;
  }

  /** The application with its open tasks, as they are now, unlocked (one round trip). */
  async read(m: EntityManager, id: string): Promise<LockedApplication | null> {
    const [row] = await m.query(
      `SELECT to_jsonb(a) AS app, ${OPEN_TASKS} AS open FROM applications a WHERE a.id = $1`,
      [id],
    );
    return row ? this.locked(m, row) : null;
  }

  /** A task with its application, both locked, and the application's open tasks. */
  async lockTask(m: EntityManager, taskId: string): Promise<LockedTask | null> {
    const [row] = await m.query(LOCK_TASK, [taskId]);
    return row ? this.lockedTask(m, row) : null;
  }

  /** A task and its application as they are now, unlocked: what a move reads before its transaction. */
  async peekTask(
    m: EntityManager,
    taskId: string,
  ): Promise<{ task: TaskRecord; app: ApplicationRecord } | null> {
    const [row] = await m.query(
      `SELECT to_jsonb(t) AS task, to_jsonb(a) AS app FROM tasks t JOIN applications a ON a.id = t.application_id
       WHERE t.id = $1`,
      [taskId],
    );
    return row
      ? { task: fromJsonRow(m, TaskRecord, row.task), app: fromJsonRow(m, ApplicationRecord, row.app) }
      : null;
  }

  /** A new application with its first history entry and the events it causes, in one statement. */
  async insert(
    m: EntityManager,
    app: ApplicationRecord,
    first: HistoryEntry,
    events: PendingEvent[] = [],
  ): Promise<void> {
    app.historySeq = 0;
    app.historyHead = GENESIS_HASH;
    const { history, seq, head } = this.chain(app, [first]);
    await m.query(
      `WITH app AS (
         INSERT INTO applications SELECT * FROM jsonb_populate_record(null::applications, $1) RETURNING id
       ), history AS (
         INSERT INTO application_history (application_id, seq, type, occurred_at, actor, data, prev_hash, hash)
         SELECT h.application_id, h.seq, h.type, h.occurred_at, h.actor, h.data, h.prev_hash, h.hash
         FROM jsonb_populate_recordset(null::application_history, $2) h, app RETURNING seq
       )
       INSERT INTO outbox (id, subject, payload, headers)
       SELECT e.id, e.subject, e.payload, e.headers FROM jsonb_populate_recordset(null::outbox, $3) e, app`,
      [
        JSON.stringify(toJsonRow(m, ApplicationRecord, { ...app, historySeq: seq, historyHead: head })),
        JSON.stringify(history),
        JSON.stringify(this.events(events, seq)),
      ],
    );
    app.historySeq = seq;
    app.historyHead = head;
  }

  /**
   * Records the tracking number of the application's dossier once tracking opened it. Only ever
   * from none to the one number (a repeat finds it set), so it needs no lock and leaves no history.
   */
  async attachDossier(m: EntityManager, id: string, trackingNumber: string): Promise<void> {
    await m.query('UPDATE applications SET tracking_number = $2 WHERE id = $1 AND tracking_number IS NULL', [
      id,
      trackingNumber,
    ]);
  }

  /**
   * Writes a change to a locked application in one statement and answers its open tasks afterwards.
   * The history is chained from the head read under the lock; the application row only changes if
   * that head is still its head, so a use case that forgot to lock fails instead of forking the chain.
   */
  async commit(
    m: EntityManager,
    locked: LockedApplication,
    change: ApplicationChange,
  ): Promise<TaskRecord[]> {
    const statement = this.commitStatement(m, locked, change);
    await m.query(statement.sql, statement.params);
    return this.committed(locked, change, statement.head);
  }

  /**
   * A transition on a task in two round trips instead of four: BEGIN travels with the statement that
   * locks the task and its application, COMMIT with the statement that writes the change. Same
   * locks, same single write, same all-or-nothing as `lockTask` and `commit` inside a transaction.
   * `decide` runs in between, with the lock held, and may read on `m` (a sequence, say); it gets
   * null if there is no such task, and answers null to roll back and give up (then so does this).
   */
  async onLockedTask<T>(
    taskId: string,
    decide: (
      m: EntityManager,
      locked: LockedTask | null,
    ) => Promise<{ change: ApplicationChange; reply: (open: TaskRecord[]) => T } | null>,
  ): Promise<T | null> {
    const lock = { sql: LOCK_TASK, params: [taskId], prepared: 'berkas_lock_task' };
    return twoTripTransaction<T | null, LockedRow>(this.dataSource, lock, async ([row], tx) => {
      const locked = row ? this.lockedTask(tx.manager, row) : null;
      const decision = await decide(tx.manager, locked);
      if (!decision || !locked) {
        await tx.rollback();
        return null;
      }
      const statement = this.commitStatement(tx.manager, locked, decision.change);
      await tx.commitWith(statement);
      return decision.reply(this.committed(locked, decision.change, statement.head));
    });
  }

  /**
   * The statement that writes a change to a locked application: history chained from the head read
   * under the lock, the application row only if that head is still its head. Should it not be (a use
   * case that forgot to lock), or a task it changes not be the application's, the statement fails
   * (a division by zero, the one error plain SQL can raise) and nothing of it is written.
   */
  private commitStatement(m: EntityManager, locked: LockedApplication, change: ApplicationChange) {
    const { app } = locked;
    const { history, seq, head } = this.chain(app, change.history);
    const appRow = toJsonRow(m, ApplicationRecord, { ...change.app, historySeq: seq, historyHead: head });
    const taskRows = (change.tasks ?? []).map((t) => ({
      id: t.id,
      patch: toJsonRow(m, TaskRecord, t.changes),
    }));
    const newTaskRows = (change.newTasks ?? []).map((t) => toJsonRow(m, TaskRecord, t));
    const events = this.events(change.events, change.history.length ? seq : null);
    const permit = change.permit ? [toJsonRow(m, IssuedPermitRecord, change.permit)] : [];
    const appColumns = columnsOf(m, ApplicationRecord, [...APP_CHANGE_FIELDS, 'historySeq', 'historyHead']);
    const taskColumns = columnsOf(m, TaskRecord, TASK_CHANGE_FIELDS);
    const sql = `WITH app AS (
         UPDATE applications a SET (${list(appColumns)}) =
           (SELECT ${list(appColumns, 'r')} FROM jsonb_populate_record(a, $2) r)
         WHERE a.id = $1 AND a.history_seq = $3 RETURNING a.id
       ), changed AS (
         UPDATE tasks t SET (${list(taskColumns)}) =
           (SELECT ${list(taskColumns, 'r')} FROM jsonb_populate_record(t, p.patch) r)
         FROM jsonb_to_recordset($4) AS p(id uuid, patch jsonb)
         WHERE t.id = p.id AND t.application_id = $1 RETURNING t.id
       ), opened AS (
         INSERT INTO tasks SELECT * FROM jsonb_populate_recordset(null::tasks, $5) RETURNING id
       ), history AS (
         INSERT INTO application_history (application_id, seq, type, occurred_at, actor, data, prev_hash, hash)
         SELECT application_id, seq, type, occurred_at, actor, data, prev_hash, hash
         FROM jsonb_populate_recordset(null::application_history, $6) RETURNING seq
       ), events AS (
         INSERT INTO outbox (id, subject, payload, headers)
         SELECT id, subject, payload, headers FROM jsonb_populate_recordset(null::outbox, $7) RETURNING id
       ), permit AS (
         INSERT INTO issued_permits SELECT * FROM jsonb_populate_recordset(null::issued_permits, $8) RETURNING id
       )
       SELECT 1 / ((SELECT count(*) FROM app) = 1 AND (SELECT count(*) FROM changed) = $9)::int AS intact`;
    const params = [
      app.id,
      JSON.stringify(appRow),
      app.historySeq,
      JSON.stringify(taskRows),
      JSON.stringify(newTaskRows),
      JSON.stringify(history),
      JSON.stringify(events),
      JSON.stringify(permit),
      taskRows.length,
    ];
    return { sql, params, prepared: 'berkas_commit_change', head: { seq, hash: head } };
  }

  /** The locked application as the committed change left it; its open tasks. */
  private committed(
    locked: LockedApplication,
    change: ApplicationChange,
    head: { seq: number; hash: string },
  ): TaskRecord[] {
    Object.assign(locked.app, change.app, { historySeq: head.seq, historyHead: head.hash });
    locked.open = openAfter(locked.open, change);
    return locked.open;
  }

  /** The application's open and claimed tasks, oldest first. */
  async openTasks(m: EntityManager, applicationId: string): Promise<TaskRecord[]> {
    const [row] = await m.query(`SELECT ${OPEN_TASKS} AS open FROM applications a WHERE a.id = $1`, [
      applicationId,
    ]);
    return (row?.open ?? []).map((t: Record<string, unknown>) => fromJsonRow(m, TaskRecord, t));
  }

  /** The open tasks of several applications in one query (a page of them), oldest first per application. */
  async openTasksOf(m: EntityManager, applicationIds: string[]): Promise<Map<string, TaskRecord[]>> {
    const byApplication = new Map(applicationIds.map((id) => [id, [] as TaskRecord[]]));
    if (!applicationIds.length) return byApplication;
    const tasks = await m.find(TaskRecord, {
      where: { applicationId: In(applicationIds), status: In(['open', 'claimed']) },
      order: { createdAt: 'ASC', stage: 'ASC' },
    });
    for (const t of tasks) byApplication.get(t.applicationId)?.push(t);
    return byApplication;
  }

  /** A page of an applicant's (or a company's) applications, newest first, after a keyset cursor. */
  page(
    m: EntityManager,
    /** enteredBy: a counter's sign-in sees only what its officer entered. */
    owner: { applicantId: string; enteredBy?: string } | { companyId: string },
    after: readonly [string, string] | null,
    take: number,
  ): Promise<ApplicationRecord[]> {
    const qb = m
      .getRepository(ApplicationRecord)
      .createQueryBuilder('a')
      .orderBy('a.created_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .take(take);
    if ('companyId' in owner) qb.where('a.company_id = :c', { c: owner.companyId });
    else qb.where('a.applicant_id = :a', { a: owner.applicantId });
    if ('enteredBy' in owner && owner.enteredBy)
      qb.andWhere(`a.entered_by->>'id' = :officer`, { officer: owner.enteredBy });
    if (after) qb.andWhere('(a.created_at, a.id) < (:at, :id)', { at: after[0], id: after[1] });
    return qb.getMany();
  }

  /** The application's history, oldest first. */
  async history(m: EntityManager, id: string) {
    const rows: Array<{
      seq: number;
      type: string;
      occurred_at: Date;
      actor: Actor;
      data: Record<string, unknown>;
      prev_hash: string;
      hash: string;
    }> = await m.query(
      `SELECT seq, type, occurred_at, actor, data, prev_hash, hash FROM application_history
       WHERE application_id = $1 ORDER BY seq`,
      [id],
    );
    return rows.map((r) => ({
      seq: r.seq,
      type: r.type,
      occurredAt: r.occurred_at.toISOString(),
      actor: r.actor,
      data: r.data,
      prevHash: r.prev_hash,
      hash: r.hash,
    }));
  }

  /** Recomputes the chain from the stored entries; the head must also be the application's. */
  async verify(m: EntityManager, app: ApplicationRecord): Promise<ChainCheck> {
    const entries = await this.history(m, app.id);
    return checkChain(
      entries.map((e) => ({ ...e, dossierId: app.id })),
      { seq: app.historySeq, hash: app.historyHead },
    );
  }

  /**
   * The next permit number of an issuing office (region + agency) in a year, from a row-locked
   * counter: concurrent issues queue on it, and a rolled-back issue gives its number back (no gaps).
   */
  async nextPermitSequence(
    m: EntityManager,
    office: { regionCode: string; agencyCode: string },
    year: number,
  ): Promise<number> {
    const [{ last_value }] = await m.query(
      `INSERT INTO permit_number_sequences (region_code, agency_code, year, last_value) VALUES ($1, $2, $3, 1)
       ON CONFLICT (region_code, agency_code, year)
       DO UPDATE SET last_value = permit_number_sequences.last_value + 1 RETURNING last_value`,
      [office.regionCode, office.agencyCode, year],
    );
    return last_value;
  }

  /** The next levy bill number of a region in a year, the same way. */
  async nextBillSequence(m: EntityManager, regionCode: string, year: number): Promise<number> {
    const [{ last_value }] = await m.query(
      `INSERT INTO bill_number_sequences (region_code, year, last_value) VALUES ($1, $2, 1)
       ON CONFLICT (region_code, year) DO UPDATE SET last_value = bill_number_sequences.last_value + 1
       RETURNING last_value`,
      [regionCode, year],
    );
    return last_value;
  }

  /** A task record for a stage about to open (written by `commit`). */
  static newTask(
    fields: Omit<
      TaskRecord,
      | 'id'
      | 'claimedBy'
      | 'claimedAt'
      | 'closedAt'
      | 'closedBy'
      | 'action'
      | 'note'
      | 'escalatedAt'
      | 'handoffId'
    >,
  ): TaskRecord {
    return {
      id: randomUUID(),
      claimedBy: null,
      claimedAt: null,
      closedAt: null,
      closedBy: null,
      action: null,
      note: null,
      escalatedAt: null,
      handoffId: null,
      ...fields,
    };
  }

  private lockedTask(m: EntityManager, row: LockedRow): LockedTask {
    return { ...this.locked(m, row), task: fromJsonRow(m, TaskRecord, row.task) };
  }

  private locked(
    m: EntityManager,
    row: { app: Record<string, unknown>; open: Array<Record<string, unknown>> },
  ) {
    return {
      app: fromJsonRow(m, ApplicationRecord, row.app),
      open: row.open.map((t) => fromJsonRow(m, TaskRecord, t)),
    };
  }

  /**
   * The outbox rows of a change's events. Each application-changed event carries the seq of the
   * history entry the same change wrote (its last, should it write several), so a consumer can ask
   * what that step was (permits.notices.facts).
   */
  private events(events: PendingEvent[] = [], historySeq: number | null) {
    return events.map((e) => {
      const data =
        e.type === 'evt.permits.application-changed' && historySeq
          ? ({ ...(e.data as ApplicationEvent), historySeq } satisfies ApplicationEvent)
          : e.data;
      return this.outbox.row(e.type, data, { source: '/berkas/permits', subject: e.subject });
    });
  }

  /** History rows chained onto the application's head; the head they leave. */
  private chain(app: ApplicationRecord, entries: HistoryEntry[]) {
    const chained = chainEntries(app.id, { seq: app.historySeq, hash: app.historyHead }, entries);
    const history = chained.entries.map((e) => ({
      application_id: app.id,
      seq: e.seq,
      type: e.type,
      occurred_at: e.occurredAt,
      actor: e.actor,
      data: e.data,
      prev_hash: e.prevHash,
      hash: e.hash,
    }));
    return { history, seq: chained.head.seq, head: chained.head.hash };
  }
}
