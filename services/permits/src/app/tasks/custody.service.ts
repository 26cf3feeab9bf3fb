import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppError, type Actor, type HandoffReceipt } from '@berkas/contracts';
import { ServiceClient } from '@berkas/messaging';
import type { TaskStage } from '../../domain/workflow-definition';
import { ApplicationRecord } from '../applications/application.entity';
import { CalendarService } from '../calendar/calendar.service';
import { CatalogService } from '../catalog/catalog.service';
import { ApplicationLedger, type ApplicationChange } from '../ledger/application-ledger';
import { clockWhenReceived } from '../transitions/stage-clock';
import { TaskRecord } from './task.entity';

/** Custody is moved by the permits service itself, following the workflow. */
const CUSTODY: Actor = { kind: 'service', id: 'permits', name: 'Berkas (serah terima berkas fisik)' };

/**
 * Custody follows the workflow: when a stage that needs the paper dossier opens at another agency,
 * the dossier is handed to that agency through tracking, and the stage's clock starts when the agency
 * receives it. Runs from durable events, after the transition that opened the stage has committed;
 * tracking is asked and told first, and the application is locked only to record what happened.
 */
@Injectable()
export class CustodyService {
  private readonly logger = new Logger('Custody');

  constructor(
    private readonly services: ServiceClient,
    private readonly catalog: CatalogService,
    private readonly calendars: CalendarService,
    private readonly ledger: ApplicationLedger,
  ) {}

  /** Sends the dossier on for every open stage of the application still waiting for it. */
  async dispatch(m: EntityManager, applicationId: string): Promise<void> {
    const seen = await this.ledger.read(m, applicationId);
    const app = seen?.app;
    if (!seen || !app?.trackingNumber || app.status !== 'in-review') return;
    const def = await this.catalog.version(app.workflowCode, app.workflowVersion, m);
    const waiting = seen.open.filter(
      (t) =>
        !t.handoffId &&
        (def.stages[t.stage] as TaskStage | undefined)?.custody === 'handoff' &&
        t.clock.length === 0,
    );
    if (!waiting.length) return;
    const calendar = await this.calendars.forRegion(app.regionCode);
    const change: Required<Pick<ApplicationChange, 'tasks' | 'history'>> = { tasks: [], history: [] };
    let busy: string | null = null;
    const dossier = await this.services.request(
      'tracking.dossiers.get',
      { trackingNumber: app.trackingNumber },
      { asService: true },
    );
    let transit = dossier.inTransit && {
      to: dossier.inTransit.to.id,
      handoffId: dossier.inTransit.handoffId,
    };
    for (const task of waiting) {
      const stage = def.stages[task.stage] as TaskStage;
      if (dossier.holder.id === task.agencyId && !transit) {
        change.tasks.push({ id: task.id, changes: clockWhenReceived(stage, new Date(), calendar) });
        change.history.push(this.received(task));
      } else if (transit?.to === task.agencyId) {
        // Sent before a crash, or by an officer: its receipt starts the clock.
        change.tasks.push({ id: task.id, changes: { handoffId: transit.handoffId } });
      } else if (transit) {
        busy = task.stage; // on its way elsewhere: tried again when the event is redelivered
      } else {
        const receipt = await this.services.request(
          'tracking.handoffs.send',
          {
            trackingNumber: app.trackingNumber,
            toAgencyId: task.agencyId,
            note: `Untuk tahap: ${stage.label.id} (${stage.label.en})`,
          },
          { asService: true },
        );
        transit = { to: receipt.to.id, handoffId: receipt.id };
        change.tasks.push({ id: task.id, changes: { handoffId: receipt.id } });
        change.history.push({
          type: 'custody-sent',
          actor: CUSTODY,
          data: { stage: task.stage, handoffId: receipt.id, to: receipt.to.code },
        });
      }
    }
    const locked = await this.ledger.lock(m, applicationId);
    if (locked && change.tasks.length) await this.ledger.commit(m, locked, change);
    if (busy)
      throw new AppError(
        'DOSSIER_BUSY',
        409,
        `Dossier ${app.trackingNumber} is in transit; custody for ${busy} waits`,
      );
  }

  /**
   * The addressed agency received (or refused) a dossier of one of our applications. A refusal
   * frees the waiting stage from that handoff: the dossier may then be sent again, by an officer or
   * by a later dispatch. A receipt starts the clock of the stage waiting for the dossier at that
   * agency, whichever handoff brought it: the one custody sent, or one an officer sent by hand.
   */
  async handoffChanged(m: EntityManager, receipt: HandoffReceipt): Promise<void> {
    if (receipt.status === 'in-transit') return;
    const found =
      (await m.findOneBy(TaskRecord, { handoffId: receipt.id })) ??
      (receipt.status === 'received' ? await this.waitingAt(m, receipt) : null);
    if (!found) return;
    const locked = await this.ledger.lock(m, found.applicationId);
    const task = locked?.open.find((t) => t.id === found.id);
    if (!locked || !task) return; // closed meanwhile: nothing waits for the dossier any more
    if (receipt.status === 'refused') {
      this.logger.warn(
        { taskId: task.id, handoffId: receipt.id, reason: receipt.refusalReason },
        'custody refused; the stage waits until the dossier is sent again',
      );
      await this.ledger.commit(m, locked, {
        tasks: [{ id: task.id, changes: { handoffId: null } }],
        history: [
          {
            type: 'custody-refused',
            actor: receipt.resolvedBy ?? CUSTODY,
            data: { stage: task.stage, handoffId: receipt.id, reason: receipt.refusalReason },
          },
        ],
      });
      return;
    }
    if (task.clock.length > 0) return;
    const def = await this.catalog.version(locked.app.workflowCode, locked.app.workflowVersion);
    const at = receipt.resolvedAt ? new Date(receipt.resolvedAt) : new Date();
    const calendar = await this.calendars.forRegion(locked.app.regionCode, m);
    await this.ledger.commit(m, locked, {
      tasks: [
        {
          id: task.id,
          changes: {
            handoffId: receipt.id,
            ...clockWhenReceived(def.stages[task.stage] as TaskStage, at, calendar),
          },
        },
      ],
      history: [this.received(task)],
    });
  }

  private received(task: TaskRecord) {
    return { type: 'custody-received', actor: CUSTODY, data: { stage: task.stage, agency: task.agencyCode } };
  }

  /** The open stage of the dossier's application at the receiving agency whose clock waits for it. */
  private waitingAt(m: EntityManager, receipt: HandoffReceipt): Promise<TaskRecord | null> {
    return m
      .getRepository(TaskRecord)
      .createQueryBuilder('t')
      .innerJoin(ApplicationRecord, 'a', 'a.id = t.application_id')
      .where('a.tracking_number = :tn AND t.agency_id = :agency', {
        tn: receipt.trackingNumber,
        agency: receipt.to.id,
      })
      .andWhere(`t.status IN ('open', 'claimed') AND t.clock = '[]'::jsonb`)
      .orderBy('t.created_at')
      .getOne();
  }
}
