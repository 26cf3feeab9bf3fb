import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { actorOf, capacityFor, requirePrincipal, requireRole } from '@berkas/auth';
import {
  AppError,
  ERRORS,
  decodeCursor,
  encodeCursor,
  type ActOnTaskRequest,
  type Application,
  type Principal,
  type ReassignTaskRequest,
  type RecordPaymentRequest,
  type Task,
  type TaskInboxRequest,
  type TaskPage,
} from '@berkas/contracts';
import { IdempotentTransactions, ServiceClient } from '@berkas/messaging';
import { formProblems } from '../../domain/application-form';
import { act, EngineError, type GuardContext } from '../../domain/workflow-engine';
import type { TaskStage, WorkflowDefinition } from '../../domain/workflow-definition';
import { dueDateIn } from '../../domain/working-calendar';
import { lockApplication, lockExistingApplication } from '../applications/lock-application';
import { ApplicationRecord } from '../applications/application.entity';
import { ApplicationsService } from '../applications/applications.service';
import { WorkflowRunner } from '../applications/workflow-runner.service';
import { CatalogService } from '../catalog/catalog.service';
import { TaskRecord } from './task.entity';
import { taskPage, type QueueOwner } from './task-queue';

/** Due first, tasks without a due date last (''): keyset (due_at, id). */
const DUE_FIRST = ['timestamp-or-empty', 'uuid'] as const;

const noTask = () => new AppError('NOT_FOUND', 404, 'No such task');

/** Officers' side: the inbox, claiming, releasing, reassigning, and acting on a stage. */
@Injectable()
export class TasksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: CatalogService,
    private readonly runner: WorkflowRunner,
    private readonly applications: ApplicationsService,
    private readonly services: ServiceClient,
    private readonly transactions: IdempotentTransactions,
  ) {}

  /** Tasks for the officer's agency and roles (own or acting), or those they claimed; due first. */
  async inbox(p: Principal | undefined, req: TaskInboxRequest): Promise<TaskPage> {
    const officer = requirePrincipal(p);
    if (officer.kind !== 'staff') throw new AppError('FORBIDDEN', 403, 'The inbox is for officers');
    const limit = req.limit ?? 50;
    const after = decodeCursor(req.after, DUE_FIRST);
    let owner: QueueOwner;
    if (req.scope === 'mine') owner = { claimedBy: officer.id };
    else {
      const seats = [
        ...(officer.agencyId
          ? (officer.roles ?? []).map((role) => ({ agency: officer.agencyId as string, role }))
          : []),
        ...(officer.acting ?? [])
          .filter((a) => new Date(a.until) > new Date())
          .flatMap((a) => a.roles.map((role) => ({ agency: a.agencyId, role }))),
      ];
      const distinct = [...new Map(seats.map((s) => [`${s.agency}/${s.role}`, s])).values()];
      if (!distinct.length) return { items: [], nextCursor: null };
      owner = { seats: distinct };
    }
    const rows = await taskPage(this.dataSource.manager, {
      owner,
      stage: req.stage,
      permitType: req.permitType,
      after,
      limit,
    });
    const page = rows.slice(0, limit);
    const items = await Promise.all(
      page.map(async (r) => this.toTask(r, r, await this.catalog.version(r.workflowCode, r.workflowVersion))),
    );
    const last = page.at(-1);
    return {
      items,
      nextCursor:
        rows.length > limit && last
          ? encodeCursor(DUE_FIRST, [last.dueAt?.toISOString() ?? '', last.id])
          : null,
    };
  }

  /** Takes an open task; a second officer trying at the same moment gets 409. */
  async claim(p: Principal | undefined, id: string): Promise<Task> {
    const officer = requirePrincipal(p);
    const task = await this.visibleTask(this.dataSource.manager, officer, id);
    requireRole(officer, [task.role], task.agencyId);
    const result = await this.dataSource
      .createQueryBuilder()
      .update(TaskRecord)
      .set({ status: 'claimed', claimedBy: officer.id, claimedAt: new Date() })
      .where(`id = :id AND status = 'open'`, { id })
      .returning('*')
      .execute();
    if (!result.affected)
      throw new AppError(
        'TASK_TAKEN',
        409,
        task.status === 'claimed'
          ? 'Another officer already claimed this task'
          : `This task is ${task.status}`,
      );
    return this.task(id);
  }

  async release(p: Principal | undefined, id: string): Promise<Task> {
    const officer = requirePrincipal(p);
    // Who may hold it is checked before whether they do, so a task's state is only told to its officers.
    const task = await this.visibleTask(this.dataSource.manager, officer, id);
    requireRole(officer, [task.role], task.agencyId);
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

  /** A supervisor of the task's agency hands it to an officer who holds its role there (someone on leave). */
  async reassign(p: Principal | undefined, req: ReassignTaskRequest): Promise<Task> {
    const officer = requirePrincipal(p);
    const task = await this.visibleTask(this.dataSource.manager, officer, req.id);
    requireRole(officer, ['supervisor'], task.agencyId);
    const members = await this.services.request(
      'identity.staff.members-of-role',
      { agencyId: task.agencyId, role: task.role },
      { asService: true },
    );
    if (!members.members.some((mbr) => mbr.staffId === req.staffId)) {
      throw AppError.invalid('/staffId', `is not an active ${task.role} of ${task.agencyCode}`);
    }
    const result = await this.dataSource
      .createQueryBuilder()
      .update(TaskRecord)
      .set({ status: 'claimed', claimedBy: req.staffId, claimedAt: new Date() })
      .where(`id = :id AND status IN ('open', 'claimed')`, { id: req.id })
      .execute();
    if (!result.affected) throw new AppError('TASK_CLOSED', 409, 'This task is already closed');
    return this.task(req.id);
  }

  /**
   * Acts on a stage. The task and its application are locked for the whole transition, so of two
   * officers acting at once exactly one wins; the other finds the task closed (409).
   */
  async act(p: Principal | undefined, req: ActOnTaskRequest): Promise<Application> {
    const officer = requirePrincipal(p);
    return this.transactions.run(async (m) => {
      const task = await m
        .getRepository(TaskRecord)
        .createQueryBuilder('t')
        .setLock('pessimistic_write')
        .where({ id: req.id })
        .getOne();
      if (!task) throw noTask();
      const capacity = capacityFor(officer, [task.role], task.agencyId);
      if (!capacity)
        throw new AppError('FORBIDDEN', 403, `This task is for a ${task.role} of ${task.agencyCode}`);
      if (task.status === 'done' || task.status === 'cancelled')
        throw new AppError('TASK_CLOSED', 409, 'Someone already acted on this task');
      if (task.status === 'claimed' && task.claimedBy !== officer.id)
        throw new AppError('TASK_TAKEN', 409, 'Another officer has claimed this task');
      const app = await lockExistingApplication(m, task.applicationId);
      const def = await this.catalog.version(app.workflowCode, app.workflowVersion);
      const stage = def.stages[task.stage] as TaskStage;
      if (!app.flow) throw new AppError('NOT_SUBMITTED', 409, 'This application has not been submitted');
      let transition;
      try {
        transition = act(
          def,
          app.flow,
          task.stage,
          req.action,
          await this.guards(app, task.stage, stage, req.action, req.note),
        );
      } catch (e) {
        if (!(e instanceof EngineError)) throw e;
        throw new AppError(
          e.code,
          ERRORS[e.code].status,
          e.message,
          e.failedGuards.map((g) => ({ path: `/guards/${g}`, message: 'does not hold yet' })),
        );
      }
      const open = await this.runner.apply(m, app, def, transition, actorOf(officer, capacity), {
        type: 'action',
        action: req.action,
        ...(req.note ? { note: req.note } : {}),
        data: {
          stage: task.stage,
          action: req.action,
          taskId: task.id,
          ...(req.note ? { note: req.note } : {}),
        },
        completesFile:
          !!stage.completesFile && !['@applicant', '@rejected'].includes(stage.actions[req.action]?.to ?? ''),
      });
      return this.applications.view(m, app, open);
    });
  }

  /** Records a levy's payment: by an officer who holds the fee stage's role in its agency. */
  async recordPayment(p: Principal | undefined, req: RecordPaymentRequest): Promise<Application> {
    const officer = requirePrincipal(p);
    return this.transactions.run(async (m) => {
      const app = await lockApplication(m, req.applicationId);
      if (!app?.fee) throw new AppError('NOT_FOUND', 404, 'This application has no levy to pay');
      if (app.fee.paidAt)
        throw new AppError('ALREADY_PAID', 409, `Bill ${app.fee.billNumber} is already paid`);
      const task = await m.findOneBy(TaskRecord, {
        applicationId: app.id,
        stage: app.fee.stage,
        status: In(['open', 'claimed']),
      });
      if (!task) throw new AppError('FEE_STAGE_NOT_OPEN', 409, 'The levy stage is not open');
      const capacity = capacityFor(officer, [task.role], task.agencyId);
      if (!capacity)
        throw new AppError('FORBIDDEN', 403, `Payments are recorded by a ${task.role} of ${task.agencyCode}`);
      app.fee = { ...app.fee, paidAt: new Date().toISOString(), paymentReference: req.reference.trim() };
      await m.update(ApplicationRecord, { id: app.id }, { fee: app.fee, updatedAt: new Date() } as never);
      await this.runner.record(m, app, 'fee-paid', actorOf(officer, capacity), {
        billNumber: app.fee.billNumber,
        amount: app.fee.amount,
        reference: app.fee.paymentReference,
      });
      return this.applications.view(m, app);
    });
  }

  /**
   * What the action's guards look at. Only the guards the action names are worked out: asking
   * tracking for the dossier's documents is a NATS round trip inside the locked transaction, and
   * most actions (a recommendation, an approval) have no document guard.
   */
  private async guards(
    app: ApplicationRecord,
    stageName: string,
    stage: TaskStage,
    action: string,
    note?: string,
  ): Promise<GuardContext> {
    const named = new Set(stage.actions[action]?.guards ?? []);
    const type = this.catalog.type(app.permitType);
    const documentsPresent = async () => {
      const dossier = await this.services.request(
        'tracking.dossiers.get',
        { trackingNumber: app.trackingNumber ?? '' },
        { asService: true },
      );
      const present = new Set(dossier.documents.map((d) => d.kind));
      return type.requiredDocuments.every((d) => !d.mandatory || present.has(d.kind));
    };
    return {
      requiredDocuments: named.has('requiredDocuments') && (await documentsPresent()),
      formValid: named.has('formValid') && formProblems(type.form, app.form, true).length === 0,
      feePaid: !stage.fee || (app.fee?.stage === stageName && !!app.fee.paidAt),
      noteGiven: !!note?.trim(),
    };
  }

  private async visibleTask(m: EntityManager, officer: Principal, id: string): Promise<TaskRecord> {
    const task = await m.findOneBy(TaskRecord, { id });
    if (!task || officer.kind !== 'staff') throw noTask();
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
      label: stage?.label ?? { id: t.stage, en: t.stage },
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
