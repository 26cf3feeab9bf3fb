import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '@berkas/contracts';
import { Outbox, ServiceClient } from '@berkas/messaging';
import { appendToChain } from '@berkas/persistence';
import { act, type GuardContext } from '../../domain/workflow-engine';
import type { TaskStage } from '../../domain/workflow-definition';
import { dueDateIn } from '../../domain/working-calendar';
import { lockExistingApplication } from '../applications/lock-application';
import { WorkflowRunner } from '../applications/workflow-runner.service';
import { CatalogService } from '../catalog/catalog.service';
import { TaskRecord } from './task.entity';

const EVERY_MS = 30_000;
const BATCH = 50;
const SYSTEM: Actor = { kind: 'service', id: 'permits', name: 'Berkas (batas waktu / SLA)' };
/** An automatic action is taken on the system's authority: its guards are the definition's promise. */
const ALL_GUARDS: GuardContext = { requiredDocuments: true, formValid: true, feePaid: true, noteGiven: true };

/**
 * Finds tasks past their due date and escalates each exactly once, however many replicas run this:
 * rows are claimed with FOR UPDATE SKIP LOCKED and marked in the same transaction that writes the
 * event. Where the stage declares what its SLA running out means (fiktif positif), that action is
 * applied then, once, and recorded in the history as the system's.
 */
@Injectable()
export class SlaScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SlaScheduler');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: CatalogService,
    private readonly runner: WorkflowRunner,
    private readonly services: ServiceClient,
    private readonly outbox: Outbox,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.runOnce()
        .catch((e) => this.logger.warn({ error: String(e) }, 'SLA pass failed'))
        .finally(() => (this.running = null));
    }, EVERY_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass; answers how many tasks it escalated. */
  async runOnce(now = new Date()): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const overdue = await m
        .getRepository(TaskRecord)
        .createQueryBuilder('t')
        .where(`t.status IN ('open', 'claimed') AND t.escalated_at IS NULL AND t.due_at < :now`, { now })
        .orderBy('t.due_at')
        .limit(BATCH)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      for (const task of overdue) await this.escalate(m, task, now);
      return overdue.length;
    });
  }

  private async escalate(m: EntityManager, task: TaskRecord, now: Date): Promise<void> {
    const app = await lockExistingApplication(m, task.applicationId);
    const def = await this.catalog.version(app.workflowCode, app.workflowVersion);
    const stage = def.stages[task.stage] as TaskStage;
    await m.update(TaskRecord, { id: task.id }, { escalatedAt: now });
    const supervisors = await this.services
      .request(
        'identity.staff.members-of-role',
        { agencyId: task.agencyId, role: 'supervisor' },
        { asService: true },
      )
      .then((r) => r.members.map((mbr) => mbr.staffId))
      .catch(() => [] as string[]); // the escalation stands even if identity is briefly away
    const automatic = stage.onTimeout?.action ?? null;
    await this.outbox.add(
      m,
      'evt.permits.task.overdue',
      {
        taskId: task.id,
        applicationId: app.id,
        stage: task.stage,
        agencyCode: task.agencyCode,
        dueAt: dueDateIn(app.regionCode, task.dueAt ?? now),
        escalatedTo: supervisors,
        automaticAction: automatic,
      },
      { source: '/berkas/permits', subject: task.id },
    );
    if (automatic && app.flow?.active.includes(task.stage)) {
      const transition = act(def, app.flow, task.stage, automatic, ALL_GUARDS);
      await this.runner.apply(m, app, def, transition, SYSTEM, {
        type: 'automatic-action',
        action: automatic,
        note: 'Batas waktu layanan terlampaui; dianggap disetujui (fiktif positif)',
        data: { stage: task.stage, action: automatic, taskId: task.id, reason: 'sla-expired' },
      });
    } else {
      await appendToChain(
        m,
        { history: 'application_history', key: 'application_id', owner: 'applications' },
        app.id,
        {
          type: 'task-overdue',
          actor: SYSTEM,
          data: { stage: task.stage, taskId: task.id, escalatedTo: supervisors },
        },
      );
    }
  }
}
