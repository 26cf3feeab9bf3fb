import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { actorOf, requirePrincipal } from '@berkas/auth';
import {
  AppError,
  ERRORS,
  type ActOnTaskRequest,
  type Application,
  type Principal,
  type WorkflowReason,
} from '@berkas/contracts';
import { PermitsEnv } from '@berkas/config';
import { IdempotentTransactions } from '@berkas/messaging';
import { act, EngineError, type GuardContext, type Transition } from '../../domain/workflow-engine';
import type { ActionDefinition, TaskStage } from '../../domain/workflow-definition';
import { localDateIn, type WorkingCalendar } from '../../domain/working-calendar';
import { ApplicationCompleteness } from '../applications/application-completeness';
import { toApplication } from '../applications/application-view';
import type { StoredCorrection } from '../applications/application.entity';
import { CatalogService } from '../catalog/catalog.service';
import { ApplicationLedger, type ApplicationChange, type LockedTask } from '../ledger/application-ledger';
import type { TaskRecord } from '../tasks/task.entity';
import { capacityOn, noTask, requireActable } from '../tasks/task-access';
import { TaskAttachments } from '../tasks/task-attachments';
import { TransitionPlanner, type MoveInputs } from './transition-planner';

/** What a locked task and the move's inputs make: the change to write and the reply once written. */
interface Decision {
  change: ApplicationChange;
  reply: (open: TaskRecord[]) => Application;
}

/** The guards an action names on its stage. */
const guardsOf = (inputs: MoveInputs, task: TaskRecord, action: string) =>
  new Set((inputs.def.stages[task.stage] as TaskStage).actions[action]?.guards ?? []);

/**
 * An officer acts on a stage. The task and its application are locked for the transition, so of two
 * officers acting at once exactly one wins and the other finds the task closed (409).
 *
 * Nothing is asked of another service under the lock. Usually nothing needs to be: the move's inputs
 * are local or remembered, so the action locks at once and is two round trips (ApplicationLedger.
 * onLockedTask). When an owner agency's id is not remembered, or the action's guard needs the
 * dossier's documents from tracking, it steps back out, reads those first, and then locks; so does
 * an action that names attachments (TaskAttachments marks them taken in the same transaction).
 */
@Injectable()
export class ActOnTask {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: CatalogService,
    private readonly completeness: ApplicationCompleteness,
    private readonly ledger: ApplicationLedger,
    private readonly planner: TransitionPlanner,
    private readonly transactions: IdempotentTransactions,
    private readonly attachments: TaskAttachments,
    private readonly env: PermitsEnv,
  ) {}

  async run(p: Principal | undefined, req: ActOnTaskRequest): Promise<Application> {
    const officer = requirePrincipal(p);
    // A keyed retry claims its key in the same transaction, so it takes the ordinary one below.
    if (!this.transactions.keyed()) {
      const done = await this.ledger.onLockedTask(req.id, async (m, locked) => {
        if (!locked) throw noTask();
        capacityOn(officer, locked.task);
        const inputs = await this.planner.inputsUnderLock(m, locked.app);
        // Attachments are taken on the ordinary path, which may write beside the change.
        if (!inputs || req.attachments?.length) return null;
        if (guardsOf(inputs, locked.task, req.action).has('requiredDocuments')) return null;
        return this.decide(m, officer, req, locked, inputs, false);
      });
      if (done) return done;
    }
    const seen = await this.ledger.peekTask(this.dataSource.manager, req.id);
    if (!seen) throw noTask();
    capacityOn(officer, seen.task);
    const inputs = await this.planner.inputsFor(seen.app);
    const documentsPresent =
      guardsOf(inputs, seen.task, req.action).has('requiredDocuments') &&
      (await this.completeness.requiredDocumentsPresent(seen.app));
    return this.transactions.run(async (m) => {
      const locked = await this.ledger.lockTask(m, req.id);
      if (!locked) throw noTask();
      const { change, reply } = await this.decide(m, officer, req, locked, inputs, documentsPresent);
      return reply(await this.ledger.commit(m, locked, change));
    });
  }

  /** The engine's answer to the action on the locked task, as the change the ledger writes. */
  private async decide(
    m: EntityManager,
    officer: Principal,
    req: ActOnTaskRequest,
    locked: LockedTask,
    inputs: MoveInputs,
    documentsPresent: boolean,
  ): Promise<Decision> {
    const { task, app } = locked;
    const { def, owners, calendar } = inputs;
    const stage = def.stages[task.stage] as TaskStage;
    const guards = guardsOf(inputs, task, req.action);
    const capacity = capacityOn(officer, task);
    requireActable(officer, task);
    const flow = app.flow;
    if (!flow) throw new AppError('NOT_SUBMITTED', 409, 'This application has not been submitted');
    const context: GuardContext = {
      requiredDocuments: documentsPresent,
      formValid: guards.has('formValid') && this.completeness.formProblems(app).length === 0,
      feePaid: !stage.fee || (app.fee?.stage === task.stage && !!app.fee.paidAt),
      noteGiven: !!req.note?.trim(),
    };
    let transition: Transition;
    try {
      transition = act(def, flow, task.stage, req.action, context);
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      throw new AppError(
        e.code,
        ERRORS[e.code].status,
        e.message,
        e.failedGuards.map((g) => ({ path: `/guards/${g}`, message: 'does not hold yet' })),
      );
    }
    const target = stage.actions[req.action]?.to ?? '';
    const reason = reasonOf(stage.actions[req.action], req.reason);
    const correction = this.correctionFor(req, locked, target, calendar);
    const attachments = await this.attachments.useFor(m, task.id, officer.id, req.attachments ?? []);
    const change = await this.planner.plan(m, locked, def, transition, {
      actor: actorOf(officer, capacity),
      owners,
      calendar,
      type: 'action',
      action: req.action,
      ...(req.note ? { note: req.note } : {}),
      data: {
        stage: task.stage,
        action: req.action,
        taskId: task.id,
        ...(req.note ? { note: req.note } : {}),
        ...(reason ? { reason } : {}),
        ...(attachments.length ? { attachments } : {}),
        // The fix list stays with the step, so each return can be read back (permits.notices.facts).
        ...(correction ? { fix: { fields: correction.fields, documents: correction.documents } } : {}),
      },
      completesFile: !!stage.completesFile && !['@applicant', '@rejected'].includes(target),
      ...(correction ? { app: { correction } } : {}),
    });
    return { change, reply: (open) => toApplication(app, def, open) };
  }

  /**
   * What the applicant is asked to fix when the action returns the file to them: the note, and the
   * answers and documents named (each one the permit type has). Nothing for any other action, which
   * takes no fix list.
   */
  private correctionFor(
    req: ActOnTaskRequest,
    { task, app }: LockedTask,
    target: string,
    calendar: WorkingCalendar,
  ): StoredCorrection | null {
    if (target !== '@applicant') {
      if (req.fix)
        throw AppError.invalid('/fix', 'is only for an action that returns the file to the applicant');
      return null;
    }
    const type = this.catalog.type(app.permitType);
    const fields = req.fix?.fields ?? [];
    const documents = req.fix?.documents ?? [];
    const unknownField = fields.find((f) => !type.form.some((q) => q.name === f));
    if (unknownField)
      throw AppError.invalid('/fix/fields', `names ${unknownField}, which ${type.code} does not ask`);
    const unknownDoc = documents.find((d) => !type.requiredDocuments.some((r) => r.kind === d));
    if (unknownDoc)
      throw AppError.invalid('/fix/documents', `names ${unknownDoc}, which ${type.code} does not ask for`);
    return {
      note: req.note?.trim() || null,
      fields,
      documents,
      stage: task.stage,
      agencyCode: task.agencyCode,
      returnedAt: new Date().toISOString(),
      answeredAt: null,
      // The applicant's deadline, in the region's working days (reminded 3 and 1 days before).
      dueAt: localDateIn(app.regionCode, calendar.addWorkingDays(new Date(), this.env.correctionWorkingDays)),
      changedFields: [],
      changedDocuments: [],
      formBefore: app.form,
    };
  }
}

/**
 * The reason picked from the action's list (its code and words, as the history keeps them): one is
 * required where the definition lists reasons, and none is taken where it does not.
 */
function reasonOf(action: ActionDefinition | undefined, code: string | undefined): WorkflowReason | null {
  const reasons = action?.reasons;
  if (!reasons) {
    if (code) throw AppError.invalid('/reason', 'this action takes no reason from a list');
    return null;
  }
  const reason = reasons.find((r) => r.code === code);
  if (!reason)
    throw AppError.invalid(
      '/reason',
      code
        ? `is not one of this action's reasons (${reasons.map((r) => r.code).join(', ')})`
        : 'choose one of the reasons this action lists',
    );
  return reason;
}
