import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '@berkas/contracts';
import { act, type GuardContext } from '../../domain/workflow-engine';
import type { TaskStage, WorkflowDefinition } from '../../domain/workflow-definition';
import type { WorkingCalendar } from '../../domain/working-calendar';
import type { ApplicationChange, LockedApplication } from '../ledger/application-ledger';
import type { TaskRecord } from '../tasks/task.entity';
import type { OwnerAgencies } from './owner-agencies';
import { TransitionPlanner } from './transition-planner';

/** An automatic action is taken on the system's authority: its guards are the definition's promise. */
const ALL_GUARDS: GuardContext = { requiredDocuments: true, formValid: true, feePaid: true, noteGiven: true };

/**
 * Fiktif positif (UU 30/2014 art. 53; UU Cipta Kerja): where a stage declares what its SLA running
 * out means, that action is taken once the stage is overdue, recorded as the system's.
 */
@Injectable()
export class ApplyFiktifPositif {
  constructor(private readonly planner: TransitionPlanner) {}

  /** The change the stage's timeout action makes, or null when the stage declares none or is not active. */
  async plan(
    m: EntityManager,
    locked: LockedApplication,
    def: WorkflowDefinition,
    task: TaskRecord,
    inputs: { actor: Actor; owners: OwnerAgencies; calendar: WorkingCalendar },
  ): Promise<ApplicationChange | null> {
    const automatic = (def.stages[task.stage] as TaskStage).onTimeout?.action;
    const flow = locked.app.flow;
    if (!automatic || !flow?.active.includes(task.stage)) return null;
    return this.planner.plan(m, locked, def, act(def, flow, task.stage, automatic, ALL_GUARDS), {
      ...inputs,
      type: 'automatic-action',
      action: automatic,
      note: 'Batas waktu layanan terlampaui; dianggap disetujui (fiktif positif)',
      data: { stage: task.stage, action: automatic, taskId: task.id, reason: 'sla-expired' },
    });
  }
}
