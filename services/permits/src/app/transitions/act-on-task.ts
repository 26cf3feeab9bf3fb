import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { actorOf, requirePrincipal } from '@berkas/auth';
import { AppError, ERRORS, type ActOnTaskRequest, type Application, type Principal } from '@berkas/contracts';
import { IdempotentTransactions } from '@berkas/messaging';
import { formProblems } from '../../domain/application-form';
import { act, EngineError, type GuardContext, type Transition } from '../../domain/workflow-engine';
import type { TaskStage } from '../../domain/workflow-definition';
import { ApplicationCompleteness } from '../applications/application-completeness';
import { toApplication } from '../applications/application-view';
import { CatalogService } from '../catalog/catalog.service';
import { ApplicationLedger, type ApplicationChange, type LockedTask } from '../ledger/application-ledger';
import type { TaskRecord } from '../tasks/task.entity';
import { capacityOn, noTask, notYours } from '../tasks/task-access';
import { TransitionPlanner } from './transition-planner';

type Decide = (
  m: EntityManager,
  locked: LockedTask | null,
) => Promise<{ change: ApplicationChange; reply: (open: TaskRecord[]) => Application }>;

/**
 * An officer acts on a stage. The task and its application are locked for the transition, so of two
 * officers acting at once exactly one wins and the other finds the task closed (409). What the
 * guards need from tracking (the dossier's documents) is read before the transaction, and only
 * when the action names that guard.
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
  ) {}

  async run(p: Principal | undefined, req: ActOnTaskRequest): Promise<Application> {
    const officer = requirePrincipal(p);
    const seen = await this.ledger.peekTask(this.dataSource.manager, req.id);
    if (!seen) throw noTask();
    const { task, app } = seen;
    capacityOn(officer, task);
    const { def, owners, calendar } = await this.planner.inputsFor(app);
    const stage = def.stages[task.stage] as TaskStage;
    const guards = new Set(stage.actions[req.action]?.guards ?? []);
    const documentsPresent =
      guards.has('requiredDocuments') && (await this.completeness.requiredDocumentsPresent(app));
    const decide: Decide = async (m, locked) => {
      if (!locked) throw noTask();
      const capacity = capacityOn(officer, locked.task);
      if (
        locked.task.status !== 'open' &&
        (locked.task.status !== 'claimed' || locked.task.claimedBy !== officer.id)
      )
        throw notYours(locked.task);
      const flow = locked.app.flow;
      if (!flow) throw new AppError('NOT_SUBMITTED', 409, 'This application has not been submitted');
      const context: GuardContext = {
        requiredDocuments: documentsPresent,
        formValid:
          guards.has('formValid') &&
          formProblems(this.catalog.type(app.permitType).form, locked.app.form, true).length === 0,
        feePaid: !stage.fee || (locked.app.fee?.stage === task.stage && !!locked.app.fee.paidAt),
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
        },
        completesFile: !!stage.completesFile && !['@applicant', '@rejected'].includes(target),
      });
      return { change, reply: (open) => toApplication(locked.app, def, open) };
    };
    // The busiest write of the system goes in two round trips; a keyed retry needs its key claimed in
    // the same transaction, so it takes the ordinary one.
    if (!this.transactions.keyed()) return this.ledger.onLockedTask(req.id, decide);
    return this.transactions.run(async (m) => {
      const locked = await this.ledger.lockTask(m, req.id);
      if (!locked) throw noTask();
      const { change, reply } = await decide(m, locked);
      return reply(await this.ledger.commit(m, locked, change));
    });
  }
}
