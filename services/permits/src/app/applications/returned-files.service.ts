import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { requirePrincipal } from '@berkas/auth';
import {
  AppError,
  decodeCursor,
  encodeCursor,
  type ListApplicationsRequest,
  type Principal,
  type ReturnedFilePage,
} from '@berkas/contracts';

const LONGEST_WAITING_FIRST = ['timestamp', 'uuid'] as const;

type ReturnedRow = Omit<ReturnedFilePage['items'][number], 'returnedAt'> & { returnedAt: string };

/**
 * Files an officer's agencies sent back to their applicants and still waiting on them: the queue
 * an office follows up (a call, a reminder) before the applicant's silence becomes a lapse. The
 * longest waiting first, a keyset page off applications_returned_idx.
 */
@Injectable()
export class ReturnedFilesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(p: Principal | undefined, req: ListApplicationsRequest): Promise<ReturnedFilePage> {
    const officer = requirePrincipal(p);
    if (officer.kind !== 'staff' || !officer.region)
      throw new AppError('FORBIDDEN', 403, 'This list is for officers');
    const now = new Date();
    const agencyCodes = [
      ...new Set([
        ...(officer.agencyCode ? [officer.agencyCode] : []),
        ...(officer.acting ?? []).filter((a) => new Date(a.until) > now).map((a) => a.agencyCode),
      ]),
    ];
    const limit = req.limit ?? 50;
    const after = decodeCursor(req.after, LONGEST_WAITING_FIRST);
    const rows: ReturnedRow[] = await this.dataSource.query(
      `SELECT a.id AS "applicationId", a.permit_type AS "permitType", a.tracking_number AS "trackingNumber",
              a.holder_name AS "holderName", a.correction->>'stage' AS stage,
              a.correction->>'agencyCode' AS "agencyCode", a.correction->>'note' AS note,
              a.correction->'fields' AS fields, a.correction->'documents' AS documents,
              a.correction->>'returnedAt' AS "returnedAt"
       FROM applications a
       WHERE a.status = 'returned' AND a.region_code = $1 AND a.correction->>'agencyCode' = ANY($2)
         AND ($3::text IS NULL OR (a.correction->>'returnedAt', a.id) > ($3, $4::uuid))
       ORDER BY a.correction->>'returnedAt', a.id LIMIT $5`,
      [officer.region, agencyCodes, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => ({ ...r, returnedAt: new Date(r.returnedAt).toISOString() })),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor(LONGEST_WAITING_FIRST, [new Date(last.returnedAt).toISOString(), last.applicationId])
          : null,
    };
  }
}
