import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppError, type DocumentKind, type NoticeFacts, type PermitType } from '@berkas/contracts';
import { fromJsonRow } from '@berkas/persistence';
import { labelOr, type TaskStage, type WorkflowDefinition } from '../../domain/workflow-definition';
import { dueDateIn } from '../../domain/working-calendar';
import { ApplicationRecord } from '../applications/application.entity';
import { CatalogService } from '../catalog/catalog.service';
import { OPEN_TASKS } from '../ledger/application-ledger';
import { TaskRecord } from '../tasks/task.entity';

/** The application, its open tasks, one entry of its history and its permit's number: one round trip. */
const FACTS = `SELECT to_jsonb(a) AS app, ${OPEN_TASKS} AS open,
    (SELECT jsonb_build_object('seq', h.seq, 'type', h.type, 'occurredAt', h.occurred_at, 'data', h.data)
     FROM application_history h WHERE h.application_id = a.id AND h.seq = COALESCE($2, a.history_seq)) AS step,
    (SELECT p.number FROM issued_permits p WHERE p.application_id = a.id ORDER BY p.issued_at DESC LIMIT 1)
      AS permit_number
  FROM applications a WHERE a.id = $1`;

type FactsRow = {
  app: Record<string, unknown>;
  open: Array<Record<string, unknown>>;
  step: { seq: number; type: string; occurredAt: string; data: Record<string, unknown> } | null;
  permit_number: string | null;
};

/** How far apart a return's stored `returnedAt` and its history entry may be and still be the same return. */
const SAME_RETURN_MS = 60_000;

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const strings = (v: unknown): string[] | null =>
  Array.isArray(v) && v.every((s) => typeof s === 'string') ? v : null;

/**
 * What a history entry's effects did, by name: the engine's effect types, a finish with its outcome
 * (`finished-issued`); each once, in the order they happened.
 */
export function effectNames(effects: unknown): string[] {
  if (!Array.isArray(effects)) return [];
  const names = effects
    .map((e: { type?: unknown; outcome?: unknown }) =>
      e?.type === 'finished' ? `finished-${String(e.outcome)}` : text(e?.type),
    )
    .filter((n): n is string => !!n);
  return [...new Set(names)];
}

/** The stages whose tasks a step opened, in order. */
function openedStages(effects: unknown): string[] {
  if (!Array.isArray(effects)) return [];
  return effects
    .filter((e: { type?: unknown }) => e?.type === 'open-task')
    .map((e: { stage?: unknown }) => text(e.stage))
    .filter((s): s is string => !!s);
}

/**
 * The facts the notifications service words its messages from: one step of a file's history (by the
 * `historySeq` its application-changed event carried) and where the file stands now. Read-only and
 * unlocked: one query, and the workflow version (read once, then remembered).
 */
@Injectable()
export class NoticeFactsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: CatalogService,
  ) {}

  async facts(applicationId: string, historySeq: number | undefined): Promise<NoticeFacts> {
    const m = this.dataSource.manager;
    const [row]: FactsRow[] = await m.query(FACTS, [applicationId, historySeq ?? null]);
    if (!row) throw new AppError('NOT_FOUND', 404, 'No such application');
    if (!row.step) throw new AppError('NOT_FOUND', 404, 'No such step in the application’s history');
    const app = fromJsonRow(m, ApplicationRecord, row.app);
    const open = row.open.map((t) => fromJsonRow(m, TaskRecord, t));
    const def = await this.catalog.version(app.workflowCode, app.workflowVersion);
    const type = this.catalog.type(app.permitType);
    const data = row.step.data ?? {};
    const occurredAt = new Date(row.step.occurredAt);
    const effects = effectNames(data.effects);
    return {
      applicationId: app.id,
      trackingNumber: app.trackingNumber ?? null,
      permitType: { code: type.code, name: type.name },
      regionCode: app.regionCode,
      applicantId: app.applicantId,
      companyId: app.companyId ?? null,
      holderName: app.holderName,
      status: app.status,
      dueAt: dueDateIn(app.regionCode, app.dueAt),
      step: {
        seq: row.step.seq,
        type: row.step.type,
        occurredAt: occurredAt.toISOString(),
        stage: text(data.stage),
        action: text(data.action),
        note: text(data.note),
        effects,
        opened: openedStages(data.effects),
        completedFile: data.completedFile === true,
        taskId: text(data.taskId),
      },
      correction: effects.includes('returned-to-applicant')
        ? correctionOf(app, def, type, data, occurredAt)
        : null,
      fee: app.fee
        ? {
            stage: app.fee.stage,
            amount: app.fee.amount,
            currency: app.fee.currency,
            billNumber: app.fee.billNumber,
            paid: !!app.fee.paidAt,
          }
        : null,
      permit: row.permit_number ? { number: row.permit_number } : null,
      openTasks: open.map((t) => ({
        taskId: t.id,
        stage: t.stage,
        label: (def.stages[t.stage] as TaskStage).label,
        agencyId: t.agencyId,
        agencyCode: t.agencyCode,
        role: t.role,
        assigneeId: t.claimedBy ?? null,
        dueAt: dueDateIn(app.regionCode, t.dueAt),
      })),
    };
  }
}

/**
 * What a step that returned the file asked the applicant to fix: its note, and the fix list it kept
 * (`fix`). An entry from before steps kept their fix list takes the application's stored return
 * instead, if that is the same return (its stage, and made at the same moment); otherwise the list is
 * not known any more and is empty.
 */
function correctionOf(
  app: ApplicationRecord,
  def: WorkflowDefinition,
  type: Pick<PermitType, 'form' | 'requiredDocuments'>,
  data: Record<string, unknown>,
  occurredAt: Date,
): NoticeFacts['correction'] {
  const stored = app.correction;
  const stage = text(data.stage) ?? stored?.stage ?? null;
  if (!stage) return null;
  const fix = (data.fix ?? null) as { fields?: unknown; documents?: unknown } | null;
  const sameReturn =
    !!stored &&
    stored.stage === stage &&
    Math.abs(new Date(stored.returnedAt).getTime() - occurredAt.getTime()) < SAME_RETURN_MS;
  const fallback = !fix && sameReturn ? stored : null;
  const agencyCode =
    (def.stages[stage] as TaskStage | undefined)?.owner?.agencyCode ?? stored?.agencyCode ?? null;
  if (!agencyCode) return null;
  const fields = strings(fix?.fields) ?? fallback?.fields ?? [];
  const documents = (strings(fix?.documents) as DocumentKind[] | null) ?? fallback?.documents ?? [];
  // A code the permit type no longer has (a later release renamed it) is listed as it is.
  const labels = [
    ...fields.map((f) => labelOr(type.form.find((q) => q.name === f)?.label, f)),
    ...documents.map((d) => labelOr(type.requiredDocuments.find((r) => r.kind === d)?.label, d)),
  ];
  return {
    note: text(data.note)?.trim() || fallback?.note || null,
    fields,
    documents,
    labels,
    stage,
    agencyCode,
  };
}
