import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { requirePrincipal } from '@berkas/auth';
import {
  AppError,
  decodeCursor,
  encodeCursor,
  type EscalatedTaskPage,
  type ListApplicationsRequest,
  type Principal,
} from '@berkas/contracts';
import { labelOr, type TaskStage } from '../../domain/workflow-definition';
import { CatalogService } from '../catalog/catalog.service';

const LATEST_FIRST = ['timestamp', 'uuid'] as const;

interface EscalatedRow {
  taskId: string;
  applicationId: string;
  permitType: string;
  trackingNumber: string | null;
  holderName: string;
  stage: string;
  role: EscalatedTaskPage['items'][number]['role'];
  status: 'open' | 'claimed' | 'done';
  dueAt: Date | null;
  escalatedAt: Date;
  claimedBy: string | null;
  automaticAction: string | null;
  workflowCode: string;
  workflowVersion: number;
}

/** The agencies whose supervisor the officer is now: by position, or acting (Plt/Plh) for one. */
function supervisedAgencies(officer: Principal): string[] {
  const now = new Date();
  const acting = (officer.acting ?? [])
    .filter((a) => new Date(a.until) > now && a.roles.includes('supervisor'))
    .map((a) => a.agencyId);
  const own = officer.agencyId && officer.roles?.includes('supervisor') ? [officer.agencyId] : [];
  return [...new Set([...own, ...acting])];
}

/**
 * A supervisor's escalations: tasks of their agencies that ran past their due date, still waiting
 * (someone must act, or be given the file) or closed by the stage's own timeout action (fiktif
 * positif, which the supervisor answers for). The latest first, a keyset page off tasks_escalated_idx.
 */
@Injectable()
export class EscalationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: CatalogService,
  ) {}

  async list(p: Principal | undefined, req: ListApplicationsRequest): Promise<EscalatedTaskPage> {
    const officer = requirePrincipal(p);
    const agencies = supervisedAgencies(officer);
    if (!agencies.length) throw new AppError('FORBIDDEN', 403, 'Escalations are for supervisors');
    const limit = req.limit ?? 50;
    const after = decodeCursor(req.after, LATEST_FIRST);
    const rows: EscalatedRow[] = await this.dataSource.query(
      `SELECT t.id AS "taskId", t.application_id AS "applicationId", a.permit_type AS "permitType",
              a.tracking_number AS "trackingNumber", a.holder_name AS "holderName", t.stage, t.role, t.status,
              t.due_at AS "dueAt", t.escalated_at AS "escalatedAt", t.claimed_by AS "claimedBy",
              CASE WHEN t.status = 'done' AND t.closed_by->>'kind' = 'service' THEN t.action END AS "automaticAction",
              a.workflow_code AS "workflowCode", a.workflow_version AS "workflowVersion"
       FROM tasks t JOIN applications a ON a.id = t.application_id
       WHERE t.agency_id = ANY($1) AND t.escalated_at IS NOT NULL AND t.status <> 'cancelled'
         AND ($2::timestamptz IS NULL OR (t.escalated_at, t.id) < ($2, $3::uuid))
       ORDER BY t.escalated_at DESC, t.id DESC LIMIT $4`,
      [agencies, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    const items = await Promise.all(
      page.map(async ({ workflowCode, workflowVersion, ...r }) => {
        const stage = (await this.catalog.version(workflowCode, workflowVersion)).stages[r.stage] as
          TaskStage | undefined;
        const automatic = r.automaticAction ? stage?.actions[r.automaticAction] : undefined;
        return {
          ...r,
          label: labelOr(stage?.label, r.stage),
          automaticActionLabel: r.automaticAction ? labelOr(automatic?.label, r.automaticAction) : null,
          dueAt: r.dueAt?.toISOString() ?? null,
          escalatedAt: r.escalatedAt.toISOString(),
        };
      }),
    );
    const last = page.at(-1);
    return {
      items,
      nextCursor:
        rows.length > limit && last
          ? encodeCursor(LATEST_FIRST, [last.escalatedAt.toISOString(), last.taskId])
          : null,
    };
  }
}
