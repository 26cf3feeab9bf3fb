import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '@berkas/contracts';
import { ServiceClient } from '@berkas/messaging';
import { labelOr, type TaskStage } from '../../domain/workflow-definition';
import { dueDateIn } from '../../domain/working-calendar';
import type { ApplicationRecord } from '../applications/application.entity';
import { ApplicationLedger, type ApplicationChange } from '../ledger/application-ledger';
import type { TaskRecord } from '../tasks/task.entity';
import { ApplyFiktifPositif } from './apply-fiktif-positif';
import { TransitionPlanner, type MoveInputs } from './transition-planner';

export const SLA: Actor = { kind: 'service', id: 'permits', name: 'Berkas (batas waktu / SLA)' };

/**
 * An overdue task is escalated once: marked, its agency's supervisors told (the event names them),
 * and, where the stage declares it, its timeout action applied (fiktif positif) in the same change.
 * The supervisors are asked of identity before the caller's transaction (`supervisorsOf`).
 */
@Injectable()
export class EscalateOverdueTask {
  constructor(
    private readonly ledger: ApplicationLedger,
    private readonly planner: TransitionPlanner,
    private readonly fiktifPositif: ApplyFiktifPositif,
    private readonly services: ServiceClient,
  ) {}

  /** Supervisors per agency id; an agency identity cannot answer for now gets none (the escalation stands). */
  async supervisorsOf(agencyIds: string[]): Promise<Map<string, string[]>> {
    const unique = [...new Set(agencyIds)];
    const answers = await Promise.all(
      unique.map((agencyId) =>
        this.services
          .request('identity.staff.members-of-role', { agencyId, role: 'supervisor' }, { asService: true })
          .then((r) => r.members.map((mbr) => mbr.staffId))
          .catch(() => [] as string[]),
      ),
    );
    return new Map(unique.map((id, i) => [id, answers[i]]));
  }

  /** What escalating tasks of these applications needs from outside the transaction, per application. */
  async inputsFor(
    apps: Array<Pick<ApplicationRecord, 'id' | 'regionCode' | 'workflowCode' | 'workflowVersion'>>,
  ) {
    const inputs = await Promise.all(apps.map((a) => this.planner.inputsFor(a)));
    return new Map(apps.map((a, i) => [a.id, inputs[i]]));
  }

  /** Escalates a task the caller has locked (FOR UPDATE SKIP LOCKED) and found overdue. */
  async run(
    m: EntityManager,
    task: TaskRecord,
    prepared: { supervisors: string[]; inputs: MoveInputs },
    now: Date,
  ): Promise<void> {
    const locked = await this.ledger.lock(m, task.applicationId);
    if (!locked) return;
    const { supervisors, inputs } = prepared;
    const automatic = await this.fiktifPositif.plan(m, locked, inputs.def, task, { ...inputs, actor: SLA });
    const escalation: ApplicationChange = {
      tasks: [{ id: task.id, changes: { escalatedAt: now } }],
      history: automatic
        ? []
        : [
            {
              type: 'task-overdue',
              actor: SLA,
              data: { stage: task.stage, taskId: task.id, escalatedTo: supervisors },
            },
          ],
      events: [
        {
          type: 'evt.permits.task.overdue',
          subject: task.id,
          data: {
            taskId: task.id,
            applicationId: task.applicationId,
            stage: task.stage,
            agencyCode: task.agencyCode,
            dueAt: dueDateIn(locked.app.regionCode, task.dueAt ?? now),
            escalatedTo: supervisors,
            ...automaticActionOf(inputs.def.stages[task.stage] as TaskStage),
          },
        },
      ],
    };
    await this.ledger.commit(m, locked, merge(escalation, automatic));
  }
}

/** The escalation and the automatic action, as one change; the task's own close wins over its mark. */
function merge(a: ApplicationChange, b: ApplicationChange | null): ApplicationChange {
  if (!b) return a;
  const tasks = new Map<string, NonNullable<ApplicationChange['tasks']>[number]['changes']>();
  for (const t of [...(a.tasks ?? []), ...(b.tasks ?? [])])
    tasks.set(t.id, { ...tasks.get(t.id), ...t.changes });
  return {
    app: b.app,
    tasks: [...tasks].map(([id, changes]) => ({ id, changes })),
    newTasks: b.newTasks,
    history: [...a.history, ...b.history],
    events: [...(a.events ?? []), ...(b.events ?? [])],
    permit: b.permit,
  };
}

/** The action a stage takes by itself when its time runs out, with its label for the people told of it. */
function automaticActionOf(stage: TaskStage) {
  const action = stage.onTimeout?.action ?? null;
  return {
    automaticAction: action,
    automaticActionLabel: action ? labelOr(stage.actions[action]?.label, action) : null,
  };
}
