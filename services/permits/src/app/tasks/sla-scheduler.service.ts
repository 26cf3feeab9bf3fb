import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PermitsEnv } from '@berkas/config';
import { EscalateOverdueTask } from '../transitions/escalate-overdue-task';
import { TaskRecord } from './task.entity';

const BATCH = 50;
const OVERDUE = `t.status IN ('open', 'claimed') AND t.escalated_at IS NULL AND t.due_at < :now`;

/**
 * Finds tasks past their due date and escalates each exactly once, however many replicas run this:
 * rows are claimed with FOR UPDATE SKIP LOCKED and marked in the same transaction that writes the
 * event. What identity and the catalog must say (supervisors, owner agencies) is asked first, for
 * the batch, before any row is locked.
 */
@Injectable()
export class SlaScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SlaScheduler');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly escalate: EscalateOverdueTask,
    private readonly env: PermitsEnv,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.runOnce()
        .catch((e) => this.logger.warn({ error: String(e) }, 'SLA pass failed'))
        .finally(() => (this.running = null));
    }, this.env.slaScanSeconds * 1000);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass; answers how many tasks it escalated. */
  async runOnce(now = new Date()): Promise<number> {
    const candidates: Array<{
      id: string;
      agency_id: string;
      application_id: string;
      region_code: string;
      workflow_code: string;
      workflow_version: number;
    }> = await this.dataSource.query(
      `SELECT t.id, t.agency_id, t.application_id, a.region_code, a.workflow_code, a.workflow_version
       FROM tasks t JOIN applications a ON a.id = t.application_id
       WHERE ${OVERDUE.replace(':now', '$1')} ORDER BY t.due_at LIMIT ${BATCH}`,
      [now],
    );
    if (!candidates.length) return 0;
    const supervisors = await this.escalate.supervisorsOf(candidates.map((c) => c.agency_id));
    const inputs = await this.escalate.inputsFor(
      candidates.map((c) => ({
        id: c.application_id,
        regionCode: c.region_code,
        workflowCode: c.workflow_code,
        workflowVersion: c.workflow_version,
      })),
    );
    return this.dataSource.transaction(async (m) => {
      const overdue = await m
        .getRepository(TaskRecord)
        .createQueryBuilder('t')
        .where(OVERDUE, { now })
        .andWhere('t.id IN (:...ids)', { ids: candidates.map((c) => c.id) })
        .orderBy('t.due_at')
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      let escalated = 0;
      for (const task of overdue) {
        const prepared = inputs.get(task.applicationId);
        if (!prepared) continue; // became overdue after the batch was read: the next pass takes it
        await this.escalate.run(
          m,
          task,
          { supervisors: supervisors.get(task.agencyId) ?? [], inputs: prepared },
          now,
        );
        escalated++;
      }
      return escalated;
    });
  }
}
