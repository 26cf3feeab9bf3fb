import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { actorOf, requirePrincipal, requireRole } from '@berkas/auth';
import {
  AppError,
  decodeCursor,
  encodeCursor,
  parseTrackingNumber,
  type Principal,
  type ReassignTaskRequest,
  type Task,
  type TaskInboxRequest,
  type TaskPage,
} from '@berkas/contracts';
import { ServiceClient } from '@berkas/messaging';
import { labelOr, type TaskStage, type WorkflowDefinition } from '../../domain/workflow-definition';
import { dueDateIn, dueStateOf } from '../../domain/working-calendar';
import { CalendarService } from '../calendar/calendar.service';
import { ApplicationRecord } from '../applications/application.entity';
import { RegionAreasService } from '../areas/region-areas';
import { CatalogService } from '../catalog/catalog.service';
import { ApplicationLedger } from '../ledger/application-ledger';
import { capacityOn, noTask, notYours } from './task-access';
import { TaskRecord } from './task.entity';
import { queueCounts, taskPage, type QueueOwner, type QueuePage } from './task-queue';

/** A search that can find nothing (a NIK or NIB nobody holds): no query is made. */
const NOTHING = 'nothing';

/** Due first, tasks without a due date last (''): keyset (due_at, id). */
const DUE_FIRST = ['timestamp-or-empty', 'uuid'] as const;

/**
 * A queue is counted up to this many tasks; beyond it a desk says "100+". Counting reads the queue's
 * index up to the cap, a few milliseconds beside the page (BENCHMARKS.md §9).
 */
const QUEUE_COUNT_CAP = 100;

/** The (agency, role) seats whose queues an officer works: their own, and each they act in now. */
function seatsOf(officer: Principal): Array<{ agency: string; role: string }> {
  const seats = [
    ...(officer.agencyId
      ? (officer.roles ?? []).map((role) => ({ agency: officer.agencyId as string, role }))
      : []),
    ...(officer.acting ?? [])
      .filter((a) => new Date(a.until) > new Date())
      .flatMap((a) => a.roles.map((role) => ({ agency: a.agencyId, role }))),
  ];
  return [...new Map(seats.map((s) => [`${s.agency}/${s.role}`, s])).values()];
}

/** A NIK (16 digits) or NIB (13) as people type them: spaces, dots and dashes between the digits. */
function identityNumberOf(text: string): { nik: string } | { nib: string } | null {
  const digits = /^[0-9 .-]+$/.test(text) ? text.replace(/[ .-]/g, '') : '';
  if (digits.length === 16) return { nik: digits };
  if (digits.length === 13) return { nib: digits };
  return null;
}

/** Officers' side of tasks outside workflow moves: the inbox, claiming, releasing, reassigning. */
@Injectable()
export class TasksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: CatalogService,
    private readonly services: ServiceClient,
    private readonly calendars: CalendarService,
    private readonly ledger: ApplicationLedger,
    private readonly areas: RegionAreasService,
  ) {}

  /** Tasks for the officer's agency and roles (own or acting), or those they claimed; due first. */
  async inbox(p: Principal | undefined, req: TaskInboxRequest): Promise<TaskPage> {
    const officer = requirePrincipal(p);
    if (officer.kind !== 'staff') throw new AppError('FORBIDDEN', 403, 'The inbox is for officers');
    const limit = req.limit ?? 50;
    const after = decodeCursor(req.after, DUE_FIRST);
    const seats = seatsOf(officer);
    const owner: QueueOwner = req.scope === 'mine' ? { claimedBy: officer.id } : { seats };
    const m = this.dataSource.manager;
    // The counts are read beside the page, on a connection of their own.
    const counted = req.counts ? this.counts(m, officer) : null;
    counted?.catch(() => undefined); // a failed page is the error told; the counts' own is awaited below
    const search = await this.searchOf(req.q);
    const rows =
      (req.scope !== 'mine' && !seats.length) || search === NOTHING
        ? []
        : await taskPage(m, {
            owner,
            stage: req.stage,
            permitType: req.permitType,
            area: req.area,
            overdue: req.overdue,
            due: req.dueState && { state: req.dueState, soonUntil: await this.soonUntil(officer) },
            search,
            after,
            limit,
          });
    const counts = counted ? { counts: await counted } : {};
    const page = rows.slice(0, limit);
    const now = new Date();
    const items = await Promise.all(
      page.map(async (r) => {
        const task = this.toTask(r, r, await this.catalog.version(r.workflowCode, r.workflowVersion));
        const due = dueStateOf(await this.calendars.forRegion(r.regionCode), r.dueAt, now);
        return {
          ...task,
          dueState: due.state,
          workingDaysLeft: due.workingDaysLeft,
          holderName: r.holderName,
          area: r.areaCode ? (this.areas.index(r.regionCode)?.place(r.areaCode) ?? null) : null,
          returnedBefore: r.returnedBefore,
          otherOpenTasks: r.otherOpenTasks,
          paperDossier: r.paperHolder ? { holder: r.paperHolder, inTransitTo: r.paperInTransitTo } : null,
        };
      }),
    );
    const last = page.at(-1);
    return {
      ...counts,
      items,
      nextCursor:
        rows.length > limit && last
          ? encodeCursor(DUE_FIRST, [last.dueAt?.toISOString() ?? '', last.id])
          : null,
    };
  }

  /**
   * What an inbox search looks for: a person's files by NIK or a company's by NIB (identity says whose
   * account that is; the officer learns only the files), a tracking number typed any way, or words of
   * a holder's name. A NIK or NIB nobody holds finds nothing.
   */
  private async searchOf(q: string | undefined): Promise<QueuePage['search'] | typeof NOTHING> {
    const text = q?.trim();
    if (!text) return undefined;
    const identity = identityNumberOf(text);
    if (identity) {
      const match = await this.services.request('identity.applicants.find', identity, { asService: true });
      if (match.companyId) return { companyId: match.companyId };
      return match.applicantId ? { applicantId: match.applicantId } : NOTHING;
    }
    const number = parseTrackingNumber(text);
    return number.ok ? { trackingNumber: number.value.formatted } : { holderName: text };
  }

  /** The end of the next working day in the officer's region: a task due by then is due soon. */
  private async soonUntil(officer: Principal): Promise<Date> {
    if (!officer.region) throw new AppError('FORBIDDEN', 403, 'The officer has no region');
    return (await this.calendars.forRegion(officer.region)).addWorkingDays(new Date(), 1);
  }

  /** The officer's queues counted, each up to QUEUE_COUNT_CAP: a desk's tabs say how much waits. */
  private async counts(m: EntityManager, officer: Principal): Promise<NonNullable<TaskPage['counts']>> {
    const cap = QUEUE_COUNT_CAP;
    const counts = await queueCounts(m, { claimedBy: officer.id, seats: seatsOf(officer) }, cap);
    return { ...counts, capped: cap };
  }

  /**
   * Takes an open task. Claiming a task one already holds keeps the claim (a second click is not an
   * error); an officer who lost a race is told why from the task's state after it, not before.
   */
  async claim(p: Principal | undefined, id: string): Promise<Task> {
    const officer = requirePrincipal(p);
    const task = await this.findTask(this.dataSource.manager, id);
    capacityOn(officer, task);
    if (task.status === 'claimed' && task.claimedBy === officer.id) return this.task(id);
    const result = await this.dataSource
      .createQueryBuilder()
      .update(TaskRecord)
      .set({ status: 'claimed', claimedBy: officer.id, claimedAt: new Date() })
      .where(`id = :id AND status = 'open'`, { id })
      .execute();
    if (!result.affected) {
      const now = await this.findTask(this.dataSource.manager, id);
      if (now.status !== 'claimed' || now.claimedBy !== officer.id) throw notYours(now);
    }
    return this.task(id);
  }

  async release(p: Principal | undefined, id: string): Promise<Task> {
    const officer = requirePrincipal(p);
    // Who may hold it is checked before whether they do, so a task's state is only told to its officers.
    capacityOn(officer, await this.findTask(this.dataSource.manager, id));
    const result = await this.dataSource
      .createQueryBuilder()
      .update(TaskRecord)
      .set({ status: 'open', claimedBy: null, claimedAt: null })
      .where(`id = :id AND status = 'claimed' AND claimed_by = :me`, { id, me: officer.id })
      .execute();
    if (!result.affected)
      throw new AppError('NOT_CLAIMED_BY_YOU', 409, 'Only the officer who claimed a task can release it');
    return this.task(id);
  }

  /**
   * A supervisor gives the task to another officer with its role. Who may take it is identity's
   * answer, asked before the file is locked; the move and its history entry (from whom, to whom,
   * why) are written together under the lock.
   */
  async reassign(p: Principal | undefined, req: ReassignTaskRequest): Promise<Task> {
    const officer = requirePrincipal(p);
    const task = await this.findTask(this.dataSource.manager, req.id);
    const capacity = requireRole(officer, ['supervisor'], task.agencyId);
    const members = await this.services.request(
      'identity.staff.members-of-role',
      { agencyId: task.agencyId, role: task.role },
      { asService: true },
    );
    const to = members.members.find((mbr) => mbr.staffId === req.staffId);
    if (!to) throw AppError.invalid('/staffId', `is not an active ${task.role} of ${task.agencyCode}`);
    await this.dataSource.transaction(async (m) => {
      const locked = await this.ledger.lock(m, task.applicationId);
      const now = await m.findOneBy(TaskRecord, { id: req.id });
      if (!locked || !now || (now.status !== 'open' && now.status !== 'claimed'))
        throw new AppError('TASK_CLOSED', 409, 'This task is already closed');
      // Given to the officer who holds it already (a form posted twice): nothing moves, nothing is recorded.
      if (now.status === 'claimed' && now.claimedBy === to.staffId) return;
      await m.update(
        TaskRecord,
        { id: req.id },
        { status: 'claimed', claimedBy: to.staffId, claimedAt: new Date() },
      );
      await this.ledger.commit(m, locked, {
        history: [
          {
            type: 'reassigned',
            actor: actorOf(officer, capacity),
            data: {
              stage: task.stage,
              taskId: task.id,
              from: now.claimedBy,
              to: to.staffId,
              toName: to.name,
              ...(req.reason ? { reason: req.reason.trim() } : {}),
            },
          },
        ],
        // The officer it is given to hears of it (notifications reads the step by its history seq).
        events: [
          {
            type: 'evt.permits.application-changed',
            subject: locked.app.id,
            data: {
              applicationId: locked.app.id,
              permitType: locked.app.permitType,
              status: locked.app.status,
              change: 'reassigned',
            },
          },
        ],
      });
    });
    return this.task(req.id);
  }

  private async findTask(m: EntityManager, id: string): Promise<TaskRecord> {
    const task = await m.findOneBy(TaskRecord, { id });
    if (!task) throw noTask();
    return task;
  }

  private async task(id: string): Promise<Task> {
    const t = await this.dataSource.getRepository(TaskRecord).findOneByOrFail({ id });
    const app = await this.dataSource
      .getRepository(ApplicationRecord)
      .findOneByOrFail({ id: t.applicationId });
    return this.toTask(t, app, await this.catalog.version(app.workflowCode, app.workflowVersion));
  }

  private toTask(
    t: Pick<
      TaskRecord,
      | 'id'
      | 'applicationId'
      | 'stage'
      | 'agencyCode'
      | 'role'
      | 'status'
      | 'dueAt'
      | 'claimedBy'
      | 'createdAt'
    >,
    app: { permitType: string; trackingNumber: string | null; regionCode: string },
    def: WorkflowDefinition,
  ): Task {
    const { permitType, trackingNumber, regionCode } = app;
    const stage = def.stages[t.stage] as TaskStage | undefined;
    return {
      id: t.id,
      applicationId: t.applicationId,
      permitType,
      trackingNumber,
      stage: t.stage,
      label: labelOr(stage?.label, t.stage),
      agencyCode: t.agencyCode,
      role: t.role,
      status: t.status,
      dueAt: dueDateIn(regionCode, t.dueAt),
      claimedBy: t.claimedBy,
      actions: Object.entries(stage?.actions ?? {}).map(([name, a]) => ({ name, label: a.label })),
      createdAt: t.createdAt.toISOString(),
    };
  }
}
