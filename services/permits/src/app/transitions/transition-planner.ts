import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor, ApplicationProgress } from '@berkas/contracts';
import type { Transition } from '../../domain/workflow-engine';
import type { TaskStage, WorkflowDefinition } from '../../domain/workflow-definition';
import { dueDateIn, SlaClock, type ClockSegment, type WorkingCalendar } from '../../domain/working-calendar';
import type { ApplicationRecord } from '../applications/application.entity';
import {
  ApplicationLedger,
  openAfter,
  type ApplicationChange,
  type ApplicationChanges,
  type LockedApplication,
} from '../ledger/application-ledger';
import type { TaskRecord } from '../tasks/task.entity';
import { CalendarService } from '../calendar/calendar.service';
import { CatalogService } from '../catalog/catalog.service';
import { FeeBilling } from './fee-billing';
import { OwnerAgencyDirectory, type OwnerAgencies } from './owner-agencies';
import { PermitIssuing } from './permit-issuing';
import { clockWhenOpened } from './stage-clock';

/** JSONB gives clock segments back with string dates. */
export function clockOf(budgetDays: number, segments: ClockSegment[]): SlaClock {
  return new SlaClock(
    budgetDays,
    segments.map((s) => ({ start: new Date(s.start), end: s.end ? new Date(s.end) : null })),
  );
}

/** What a move needs from outside its transaction. */
export interface MoveInputs {
  def: WorkflowDefinition;
  owners: OwnerAgencies;
  calendar: WorkingCalendar;
}

/** What a use case knows about the move besides the engine's answer (gathered before its transaction). */
export interface MoveContext {
  actor: Actor;
  owners: OwnerAgencies;
  calendar: WorkingCalendar;
  /** The history entry's type and data (the engine's effects are added to the data). */
  type: string;
  data?: Record<string, unknown>;
  /** Recorded on the task the move finishes. */
  action?: string;
  note?: string;
  /** The move finds the file complete ("lengkap dan benar"): the service standard's clock starts. */
  completesFile?: boolean;
  /** Further columns the use case itself changes (submittedAt when submitting). */
  app?: ApplicationChanges;
}

/**
 * Turns the engine's answer into what the ledger writes: tasks opened (their clocks and due dates
 * in working days, a fee stage's bill) and closed, the service standard's clock started, paused or
 * stopped, the status, the permit when the file is issued, one history entry and one event with the
 * file's public progress. Every transition is all of this or none of it.
 */
@Injectable()
export class TransitionPlanner {
  constructor(
    private readonly fees: FeeBilling,
    private readonly permits: PermitIssuing,
    private readonly catalog: CatalogService,
    private readonly calendars: CalendarService,
    private readonly owners: OwnerAgencyDirectory,
  ) {}

  /**
   * What a move of this application needs from outside its transaction: its workflow version, the
   * region's calendar and the ids of the workflow's owner agencies (asked of identity, remembered).
   */
  async inputsFor(
    app: Pick<ApplicationRecord, 'regionCode' | 'workflowCode' | 'workflowVersion'>,
  ): Promise<MoveInputs> {
    const def = await this.catalog.version(app.workflowCode, app.workflowVersion);
    const [owners, calendar] = await Promise.all([
      this.owners.of(app.regionCode, def),
      this.calendars.forRegion(app.regionCode),
    ]);
    return { def, owners, calendar };
  }

  /**
   * The same inputs read inside a transaction without asking another service: the workflow version
   * and the calendar are local, the owner agencies only as remembered. Null if one is not.
   */
  async inputsUnderLock(
    m: EntityManager,
    app: Pick<ApplicationRecord, 'regionCode' | 'workflowCode' | 'workflowVersion'>,
  ): Promise<MoveInputs | null> {
    const def = await this.catalog.version(app.workflowCode, app.workflowVersion, m);
    const owners = this.owners.remembered(app.regionCode, def);
    return owners && { def, owners, calendar: await this.calendars.forRegion(app.regionCode, m) };
  }

  async plan(
    m: EntityManager,
    { app, open }: LockedApplication,
    def: WorkflowDefinition,
    transition: Transition,
    ctx: MoveContext,
  ): Promise<ApplicationChange> {
    const now = new Date();
    const changes: ApplicationChanges = { ...ctx.app, flow: transition.state, updatedAt: now };
    const change = {
      tasks: [] as NonNullable<ApplicationChange['tasks']>,
      newTasks: [] as TaskRecord[],
      history: [] as ApplicationChange['history'],
      events: [] as NonNullable<ApplicationChange['events']>,
    } satisfies ApplicationChange;
    let permit: ApplicationChange['permit'];
    let service = clockOf(def.serviceStandardDays, app.serviceClock);
    if (ctx.completesFile && !app.completeAt) {
      changes.completeAt = now;
      service = service.start(now);
    }
    let fee = app.fee;
    for (const effect of transition.effects) {
      switch (effect.type) {
        case 'open-task': {
          const stage = def.stages[effect.stage] as TaskStage;
          fee = (await this.fees.billFor(m, { ...app, fee }, effect.stage, stage, now)) ?? fee;
          change.newTasks.push(this.openTask(app, stage, effect.stage, ctx, now));
          break;
        }
        case 'close-task':
          for (const t of open.filter((o) => o.stage === effect.stage))
            change.tasks.push({
              id: t.id,
              changes: {
                status: effect.reason,
                closedAt: now,
                closedBy: ctx.actor,
                action: effect.reason === 'done' ? (ctx.action ?? null) : null,
                note: effect.reason === 'done' ? (ctx.note ?? null) : null,
              },
            });
          break;
        case 'returned-to-applicant':
          changes.status = 'returned';
          service = service.pause(now);
          break;
        case 'resumed':
          changes.status = 'in-review';
          if (app.completeAt ?? changes.completeAt) service = service.start(now);
          break;
        case 'finished': {
          changes.status = effect.outcome;
          changes.outcome = effect.outcome;
          service = service.pause(now);
          if (effect.outcome === 'issued') {
            const issued = await this.permits.issue(m, app, now);
            permit = issued.permit;
            change.events.push(issued.event);
          }
          break;
        }
      }
    }
    changes.fee = fee;
    changes.serviceClock = service.segments;
    changes.dueAt = service.dueAt(ctx.calendar);
    change.history.push({
      type: ctx.type,
      actor: ctx.actor,
      data: {
        ...(ctx.data ?? {}),
        effects: transition.effects,
        // What the step's notice says ("your file is complete, due by …"), kept with the step.
        ...(changes.completeAt ? { completedFile: true } : {}),
      },
    });
    const status = changes.status ?? app.status;
    change.events.unshift({
      type: 'evt.permits.application-changed',
      subject: app.id,
      data: {
        applicationId: app.id,
        permitType: app.permitType,
        status,
        change: ctx.type,
        ...(app.trackingNumber
          ? {
              trackingNumber: app.trackingNumber,
              progress: progress(app, changes, def, openAfter(open, change), status),
            }
          : {}),
      },
    });
    return { ...change, app: changes, ...(permit ? { permit } : {}) };
  }

  private openTask(
    app: ApplicationRecord,
    stage: TaskStage,
    stageId: string,
    ctx: MoveContext,
    now: Date,
  ): TaskRecord {
    return ApplicationLedger.newTask({
      applicationId: app.id,
      stage: stageId,
      agencyCode: stage.owner.agencyCode,
      agencyId: OwnerAgencyDirectory.require(ctx.owners, app.regionCode, stage.owner.agencyCode),
      role: stage.owner.role,
      status: 'open',
      ...clockWhenOpened(stage, now, ctx.calendar),
      createdAt: now,
    });
  }
}

/** Where the file stands now, for the public tracking page: open stages, their agencies and due dates. */
function progress(
  app: ApplicationRecord,
  changes: ApplicationChanges,
  def: WorkflowDefinition,
  open: TaskRecord[],
  status: string,
): ApplicationProgress {
  return {
    dueAt: dueDateIn(app.regionCode, changes.dueAt ?? null),
    awaitingApplicant: status === 'returned',
    stages: open.map((t) => {
      const stage = def.stages[t.stage] as TaskStage;
      return {
        stage: t.stage,
        label: stage.label,
        agencyId: t.agencyId,
        agencyCode: t.agencyCode,
        dueAt: dueDateIn(app.regionCode, t.dueAt),
        needsDossier: stage.custody === 'handoff',
      };
    }),
  };
}
