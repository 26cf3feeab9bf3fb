import type { Application, TaskRef } from '@berkas/contracts';
import { labelOr, type TaskStage, type WorkflowDefinition } from '../../domain/workflow-definition';
import { dueDateIn } from '../../domain/working-calendar';
import type { TaskRecord } from '../tasks/task.entity';
import type { ApplicationRecord } from './application.entity';

export function toTaskRef(t: TaskRecord, def: WorkflowDefinition, regionCode: string): TaskRef {
  const stage = def.stages[t.stage] as TaskStage | undefined;
  return {
    id: t.id,
    stage: t.stage,
    label: labelOr(stage?.label, t.stage),
    agencyCode: t.agencyCode,
    role: t.role,
    status: t.status,
    dueAt: dueDateIn(regionCode, t.dueAt),
    claimedBy: t.claimedBy,
  };
}

export function toApplication(
  a: ApplicationRecord,
  def: WorkflowDefinition,
  openTasks: TaskRecord[],
): Application {
  return {
    id: a.id,
    permitType: a.permitType,
    regionCode: a.regionCode,
    status: a.status,
    applicantId: a.applicantId,
    companyId: a.companyId,
    holderName: a.holderName,
    form: a.form,
    // The number is the applicant's once they submit; a draft's dossier is not tracked yet.
    trackingNumber: a.status === 'draft' ? null : a.trackingNumber,
    workflowVersion: a.workflowVersion,
    submittedAt: a.submittedAt?.toISOString() ?? null,
    completeAt: a.completeAt?.toISOString() ?? null,
    dueAt: dueDateIn(a.regionCode, a.dueAt),
    outcome: a.outcome,
    openTasks: openTasks.map((t) => toTaskRef(t, def, a.regionCode)),
    fee: a.fee,
    correction: correctionOf(a),
    ...(a.enteredBy ? { enteredBy: a.enteredBy } : {}),
    createdAt: a.createdAt.toISOString(),
  };
}

/** The last return to the applicant, without the answers as they were (kept only to tell what changed). */
function correctionOf(a: ApplicationRecord): Application['correction'] {
  if (!a.correction) return null;
  const { formBefore: _, ...shown } = a.correction;
  return shown;
}
