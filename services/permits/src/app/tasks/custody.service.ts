import { Injectable, Logger } from '@nestjs/common';
import { In, IsNull, type EntityManager } from 'typeorm';
import { AppError, type Actor, type HandoffReceipt } from '@berkas/contracts';
import { ServiceClient } from '@berkas/messaging';
import { appendToChain } from '@berkas/persistence';
import { SlaClock } from '../../domain/working-calendar';
import type { TaskStage } from '../../domain/workflow-definition';
import { ApplicationRecord } from '../applications/application.entity';
import { CalendarService } from '../calendar/calendar.service';
import { CatalogService } from '../catalog/catalog.service';
import { TaskRecord } from './task.entity';

const HISTORY = { history: 'application_history', key: 'application_id', owner: 'applications' };
/** Custody is moved by the permits service itself, following the workflow. */
const CUSTODY: Actor = { kind: 'service', id: 'permits', name: 'custody' };

/**
 * Custody follows the workflow: when a stage that needs the paper dossier opens at another agency,
 * the dossier is handed to that agency through tracking, and the stage's clock starts when the agency
 * receives it. Runs from durable events, after the transition that opened the stage has committed.
 */
@Injectable()
export class CustodyService {
  private readonly logger = new Logger('Custody');

  constructor(
    private readonly services: ServiceClient,
    private readonly catalog: CatalogService,
    private readonly calendars: CalendarService,
  ) {}

  /** Sends the dossier on for every open stage of the application still waiting for it. */
  async dispatch(m: EntityManager, applicationId: string): Promise<void> {
    const app = await m.findOneBy(ApplicationRecord, { id: applicationId });
    if (!app?.trackingNumber || app.status !== 'in-review') return;
    const def = await this.catalog.version(app.workflowCode, app.workflowVersion);
    const waiting = (
      await m.findBy(TaskRecord, { applicationId, status: In(['open', 'claimed']), handoffId: IsNull() })
    ).filter(
      (t) => (def.stages[t.stage] as TaskStage | undefined)?.custody === 'handoff' && t.clock.length === 0,
    );
    for (const task of waiting) {
      const dossier = await this.services.request(
        'tracking.dossiers.get',
        { trackingNumber: app.trackingNumber },
        { asService: true },
      );
      if (dossier.holder.id === task.agencyId && !dossier.inTransit) {
        await this.startClock(m, app, task, new Date());
        continue;
      }
      if (dossier.inTransit) {
        if (dossier.inTransit.to.id === task.agencyId) {
          await m.update(TaskRecord, { id: task.id }, { handoffId: dossier.inTransit.handoffId }); // sent before a crash
          continue;
        }
        // On its way elsewhere: try again when this event is redelivered.
        throw new AppError(
          'DOSSIER_BUSY',
          409,
          `Dossier ${app.trackingNumber} is in transit; custody for ${task.stage} waits`,
        );
      }
      const stage = def.stages[task.stage] as TaskStage;
      const receipt = await this.services.request(
        'tracking.handoffs.send',
        {
          trackingNumber: app.trackingNumber,
          toAgencyId: task.agencyId,
          note: `Untuk tahap: ${stage.label.id} (${stage.label.en})`,
        },
        { asService: true },
      );
      await m.update(TaskRecord, { id: task.id }, { handoffId: receipt.id });
      await appendToChain(m, HISTORY, app.id, {
        type: 'custody-sent',
        actor: CUSTODY,
        data: { stage: task.stage, handoffId: receipt.id, to: receipt.to.code },
      });
    }
  }

  /** The addressed agency received (or refused) a dossier one of our stages was waiting for. */
  async handoffChanged(m: EntityManager, receipt: HandoffReceipt): Promise<void> {
    const task = await m.findOneBy(TaskRecord, { handoffId: receipt.id });
    if (!task || receipt.status === 'in-transit') return;
    const app = await m.findOneByOrFail(ApplicationRecord, { id: task.applicationId });
    if (receipt.status === 'refused') {
      this.logger.warn(
        { taskId: task.id, handoffId: receipt.id, reason: receipt.refusalReason },
        'custody refused; the stage waits for its supervisor',
      );
      await appendToChain(m, HISTORY, app.id, {
        type: 'custody-refused',
        actor: receipt.resolvedBy ?? CUSTODY,
        data: { stage: task.stage, handoffId: receipt.id, reason: receipt.refusalReason },
      });
      return;
    }
    if (task.clock.length === 0 && (task.status === 'open' || task.status === 'claimed')) {
      await this.startClock(m, app, task, receipt.resolvedAt ? new Date(receipt.resolvedAt) : new Date());
    }
  }

  private async startClock(
    m: EntityManager,
    app: ApplicationRecord,
    task: TaskRecord,
    at: Date,
  ): Promise<void> {
    const def = await this.catalog.version(app.workflowCode, app.workflowVersion);
    const stage = def.stages[task.stage] as TaskStage;
    const clock = new SlaClock(stage.slaDays).start(at);
    await m.update(TaskRecord, { id: task.id }, {
      clock: clock.segments,
      dueAt: clock.dueAt(await this.calendars.forRegion(app.regionCode, m)),
    } as never);
    await appendToChain(m, HISTORY, app.id, {
      type: 'custody-received',
      actor: CUSTODY,
      data: { stage: task.stage, agency: task.agencyCode },
    });
  }
}
