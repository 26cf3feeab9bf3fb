import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppError, type Actor, type ApplicationProgress } from '@berkas/contracts';
import { Outbox, ServiceClient } from '@berkas/messaging';
import { appendToChain } from '@berkas/persistence';
import { dueDateIn, SlaClock, type ClockSegment } from '../../domain/working-calendar';
import type { Transition } from '../../domain/workflow-engine';
import { evaluateFee } from '../../domain/fee-formula';
import type { TaskStage, WorkflowDefinition } from '../../domain/workflow-definition';
import { CalendarService } from '../calendar/calendar.service';
import { CatalogService } from '../catalog/catalog.service';
import { IssuedPermitsService } from '../issued/issued-permits.service';
import { TaskRecord } from '../tasks/task.entity';
import { ApplicationRecord } from './application.entity';

const HISTORY = { history: 'application_history', key: 'application_id', owner: 'applications' };
/** An agency closed in identity stops getting new tasks within this long. */
const AGENCY_ID_CACHE_MS = 5 * 60 * 1000;

/** JSONB gives clock segments back with string dates. */
export function clockOf(budgetDays: number, segments: ClockSegment[]): SlaClock {
  return new SlaClock(
    budgetDays,
    segments.map((s) => ({ start: new Date(s.start), end: s.end ? new Date(s.end) : null })),
  );
}

/** The application's open and claimed tasks, oldest first: what its reply and its public progress show. */
export function openTasksOf(m: EntityManager, applicationId: string): Promise<TaskRecord[]> {
  return m
    .getRepository(TaskRecord)
    .createQueryBuilder('t')
    .where(`t.application_id = :id AND t.status IN ('open', 'claimed')`, { id: applicationId })
    .orderBy('t.created_at')
    .addOrderBy('t.stage')
    .getMany();
}

/**
 * Writes what the engine decided, in the caller's transaction: tasks opened (with their due dates
 * in working days) and closed, the service-standard clock started, paused or stopped, the status,
 * one history entry and one event. Every transition is all of this or none of it. `apply` answers
 * the application's open tasks afterwards, so the caller's reply need not ask for them again.
 */
@Injectable()
export class WorkflowRunner {
  private readonly agencyIds = new Map<string, { id: string; at: number }>();

  constructor(
    private readonly calendars: CalendarService,
    private readonly catalog: CatalogService,
    private readonly permits: IssuedPermitsService,
    private readonly services: ServiceClient,
    private readonly outbox: Outbox,
  ) {}

  async apply(
    m: EntityManager,
    app: ApplicationRecord,
    def: WorkflowDefinition,
    transition: Transition,
    actor: Actor,
    what: {
      type: string;
      data?: Record<string, unknown>;
      action?: string;
      note?: string;
      completesFile?: boolean;
    },
  ): Promise<TaskRecord[]> {
    const now = new Date();
    const calendar = await this.calendars.forRegion(app.regionCode, m);
    let service = clockOf(def.serviceStandardDays, app.serviceClock);
    if (what.completesFile && !app.completeAt) {
      app.completeAt = now;
      service = service.start(now);
    }
    for (const effect of transition.effects) {
      switch (effect.type) {
        case 'open-task':
          await this.openTask(m, app, def.stages[effect.stage] as TaskStage, effect.stage, now);
          break;
        case 'close-task':
          await m
            .createQueryBuilder()
            .update(TaskRecord)
            .set({
              status: effect.reason,
              closedAt: now,
              closedBy: actor,
              action: effect.reason === 'done' ? (what.action ?? null) : null,
              note: effect.reason === 'done' ? (what.note ?? null) : null,
            })
            .where(`application_id = :app AND stage = :stage AND status IN ('open', 'claimed')`, {
              app: app.id,
              stage: effect.stage,
            })
            .execute();
          break;
        case 'returned-to-applicant':
          app.status = 'returned';
          service = service.pause(now);
          break;
        case 'resumed':
          app.status = 'in-review';
          if (app.completeAt) service = service.start(now);
          break;
        case 'finished':
          app.status = effect.outcome;
          app.outcome = effect.outcome;
          service = service.pause(now);
          if (effect.outcome === 'issued')
            await this.permits.issue(m, app, this.catalog.type(app.permitType).issuingAgency);
          break;
      }
    }
    app.flow = transition.state;
    app.serviceClock = service.segments;
    app.dueAt = service.dueAt(calendar);
    app.updatedAt = now;
    await m.update(ApplicationRecord, { id: app.id }, {
      status: app.status,
      flow: app.flow,
      serviceClock: app.serviceClock,
      dueAt: app.dueAt,
      completeAt: app.completeAt,
      outcome: app.outcome,
      fee: app.fee,
      updatedAt: now,
    } as never);
    await appendToChain(m, HISTORY, app.id, {
      type: what.type,
      actor,
      data: { ...(what.data ?? {}), effects: transition.effects },
    });
    const open = await openTasksOf(m, app.id);
    await this.outbox.add(
      m,
      'evt.permits.application-changed',
      {
        applicationId: app.id,
        permitType: app.permitType,
        status: app.status,
        change: what.type,
        ...(app.trackingNumber
          ? { trackingNumber: app.trackingNumber, progress: this.progress(app, def, open) }
          : {}),
      },
      { source: '/berkas/permits', subject: app.id },
    );
    return open;
  }

  /** Where the file stands now, for the public tracking page: open stages, their agencies and due dates. */
  private progress(
    app: ApplicationRecord,
    def: WorkflowDefinition,
    open: TaskRecord[],
  ): ApplicationProgress {
    return {
      dueAt: dueDateIn(app.regionCode, app.dueAt),
      awaitingApplicant: app.status === 'returned',
      stages: open.map((t) => ({
        stage: t.stage,
        label: (def.stages[t.stage] as TaskStage).label,
        agencyId: t.agencyId,
        agencyCode: t.agencyCode,
        dueAt: dueDateIn(app.regionCode, t.dueAt),
      })),
    };
  }

  /** Records an event in the application's history without a workflow move (created, form changed). */
  async record(
    m: EntityManager,
    app: ApplicationRecord,
    type: string,
    actor: Actor,
    data: Record<string, unknown>,
  ): Promise<void> {
    await appendToChain(m, HISTORY, app.id, { type, actor, data });
  }

  /**
   * A fee stage bills the levy computed from the form when it opens, with a bill number of its own
   * (a gapless sequence per region and year); an unpaid bill of the same stage is kept, not doubled.
   */
  private async bill(
    m: EntityManager,
    app: ApplicationRecord,
    stage: TaskStage,
    stageId: string,
    now: Date,
  ): Promise<void> {
    if (!stage.fee || (app.fee?.stage === stageId && !app.fee.paidAt)) return;
    let amount: number;
    try {
      amount = evaluateFee(stage.fee.formula, app.form);
    } catch (e) {
      throw new AppError('FEE_NOT_COMPUTABLE', 409, `The levy cannot be computed: ${(e as Error).message}`);
    }
    const year = now.getUTCFullYear();
    const [{ last_value: sequence }] = await m.query(
      `INSERT INTO permit_sequences (agency_code, year, last_value) VALUES ($1, $2, 1)
       ON CONFLICT (agency_code, year) DO UPDATE SET last_value = permit_sequences.last_value + 1 RETURNING last_value`,
      [`BILL-${app.regionCode}`, year],
    );
    app.fee = {
      stage: stageId,
      amount,
      currency: stage.fee.currency,
      billNumber: `RET/${app.regionCode}/${year}/${String(sequence).padStart(6, '0')}`,
      issuedAt: now.toISOString(),
      paidAt: null,
      paymentReference: null,
    };
  }

  private async openTask(
    m: EntityManager,
    app: ApplicationRecord,
    stage: TaskStage,
    stageId: string,
    now: Date,
  ): Promise<void> {
    await this.bill(m, app, stage, stageId, now);
    const agency = await this.agencyId(app.regionCode, stage.owner.agencyCode);
    const calendar = await this.calendars.forRegion(app.regionCode, m);
    // A stage that needs the paper dossier starts its clock when its agency receives it (CustodyService).
    const clock =
      stage.custody === 'handoff' ? new SlaClock(stage.slaDays) : new SlaClock(stage.slaDays).start(now);
    await m.insert(TaskRecord, {
      id: randomUUID(),
      applicationId: app.id,
      stage: stageId,
      agencyCode: stage.owner.agencyCode,
      agencyId: agency,
      role: stage.owner.role,
      status: 'open',
      clock: clock.segments,
      dueAt: clock.dueAt(calendar),
      createdAt: now,
    } as never);
  }

  /**
   * Owner agencies are codes in the definition; identity knows their ids in the file's region. An
   * agency keeps its id for good, so ids are remembered for a while instead of asked of identity
   * in every transition's locked transaction (a NATS round trip each; BENCHMARKS.md, transitions).
   */
  private async agencyId(regionCode: string, code: string): Promise<string> {
    const key = `${regionCode}/${code}`;
    const known = this.agencyIds.get(key);
    if (known && Date.now() - known.at < AGENCY_ID_CACHE_MS) return known.id;
    try {
      const agency = await this.services.request(
        'identity.agencies.get',
        { regionCode, code },
        { asService: true },
      );
      this.agencyIds.set(key, { id: agency.id, at: Date.now() });
      return agency.id;
    } catch (e) {
      if (e instanceof AppError && e.status === 404) {
        throw new AppError(
          'WORKFLOW_OWNER_MISSING',
          409,
          `Region ${regionCode} has no agency ${code} to handle this stage`,
        );
      }
      throw e;
    }
  }
}
