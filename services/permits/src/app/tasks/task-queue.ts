import type { EntityManager } from 'typeorm';
import type { ApplicationRecord } from '../applications/application.entity';
import type { TaskRecord } from './task.entity';

/** The inbox order: due first, tasks without a due date (waiting for their paper dossier) last. */
const DUE = `COALESCE(t.due_at, 'infinity'::timestamptz)`;

/** Whose tasks: the queues of an officer's (agency, role) seats, or the tasks one officer claimed. */
export type QueueOwner = { seats: Array<{ agency: string; role: string }> } | { claimedBy: string };

export interface QueuePage {
  owner: QueueOwner;
  stage?: string;
  permitType?: string;
  /** Only files whose form names a place in this kecamatan (32.71.01) or this kelurahan (32.71.01.1001). */
  area?: string;
  /** Only tasks past their due date. */
  overdue?: boolean;
  /**
   * Only tasks in one due state; `soonUntil` is the end of the next working day (due soon up to
   * it, on time after it).
   */
  due?: { state: 'waiting' | 'on-time' | 'due-soon' | 'overdue'; soonUntil: Date };
  /**
   * The file with this (canonical) tracking number, holders whose name has these words, or the files
   * of one applicant account (found by NIK) or company (by NIB).
   */
  search?:
    { trackingNumber: string } | { holderName: string } | { applicantId: string } | { companyId: string };
  /** The last row of the previous page: its due date ('' when it had none) and id. */
  after: readonly [string, string] | null;
  limit: number;
}

/** One row of an inbox page: the task with what its line shows of the application. */
export type QueueRow = Pick<
  TaskRecord,
  'id' | 'applicationId' | 'stage' | 'agencyCode' | 'role' | 'status' | 'dueAt' | 'claimedBy' | 'createdAt'
> &
  Pick<
    ApplicationRecord,
    | 'permitType'
    | 'trackingNumber'
    | 'regionCode'
    | 'workflowCode'
    | 'workflowVersion'
    | 'holderName'
    | 'areaCode'
  > & {
    /** Returned to the applicant for corrections before. */
    returnedBefore: boolean;
    /** Open tasks of the same file elsewhere: parallel reviews pending. */
    otherOpenTasks: number;
    /** Where the paper dossier is: null before its first handoff. */
    paperHolder: string | null;
    paperInTransitTo: string | null;
  };

/** Each queue of an owner as the condition of its index range (tasks_claimed_idx, tasks_inbox_idx). */
function queueConditions(owner: QueueOwner, param: (value: unknown) => string): string[] {
  return 'claimedBy' in owner
    ? [`t.status = 'claimed' AND t.claimed_by = ${param(owner.claimedBy)}`]
    : owner.seats.map(
        (s) =>
          `t.status IN ('open', 'claimed') AND t.agency_id = ${param(s.agency)} AND t.role = ${param(s.role)}`,
      );
}

/**
 * One inbox page (`limit + 1` rows, to tell whether another follows), in one statement. Each queue
 * is read as an index range that starts at the cursor (tasks_inbox_idx, tasks_claimed_idx) and
 * stops after `limit + 1` rows; an officer with several seats gets the merge of one such range per
 * seat. So a page costs the same at any depth and however many tasks wait.
 */
export async function taskPage(m: EntityManager, page: QueuePage): Promise<QueueRow[]> {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const filters: string[] = [];
  if (page.stage) filters.push(`t.stage = ${param(page.stage)}`);
  if (page.permitType) filters.push(`a.permit_type = ${param(page.permitType)}`);
  // A kecamatan's code is the prefix of each of its kelurahan's (32.71.01 → 32.71.01.1001).
  if (page.area)
    filters.push(
      `(a.area_code = ${param(page.area)} OR starts_with(a.area_code, ${param(`${page.area}.`)}))`,
    );
  // Past due: a bound on the index's own order, so the range stops where the overdue tasks end.
  if (page.overdue || page.due?.state === 'overdue') filters.push(`${DUE} < now()`);
  // The other states are ranges of the same order too: waiting tasks sort last (no due date).
  if (page.due?.state === 'due-soon')
    filters.push(`${DUE} >= now() AND ${DUE} <= ${param(page.due.soonUntil)}::timestamptz`);
  if (page.due?.state === 'on-time')
    filters.push(`${DUE} > ${param(page.due.soonUntil)}::timestamptz AND t.due_at IS NOT NULL`);
  if (page.due?.state === 'waiting') filters.push(`t.due_at IS NULL`);
  const search = page.search;
  if (search && 'trackingNumber' in search)
    filters.push(`a.tracking_number = ${param(search.trackingNumber)}`);
  if (search && 'applicantId' in search) filters.push(`a.applicant_id = ${param(search.applicantId)}`);
  if (search && 'companyId' in search) filters.push(`a.company_id = ${param(search.companyId)}`);
  if (search && 'holderName' in search)
    filters.push(`a.holder_name ILIKE ${param(`%${search.holderName.replace(/[\\%_]/g, '\\$&')}%`)}`);
  if (page.after) {
    const due = page.after[0] || 'infinity';
    filters.push(`(${DUE}, t.id) > (${param(due)}::timestamptz, ${param(page.after[1])}::uuid)`);
  }
  const queues = queueConditions(page.owner, param);
  const join =
    page.permitType || page.area || page.search ? 'JOIN applications a ON a.id = t.application_id' : '';
  const ranges = queues.map(
    (queue) =>
      `(SELECT t.id, ${DUE} AS due FROM tasks t ${join}
        WHERE ${[queue, ...filters].join(' AND ')} ORDER BY ${DUE}, t.id LIMIT ${page.limit + 1})`,
  );
  return m.query(
    `SELECT t.id, t.application_id AS "applicationId", t.stage, t.agency_code AS "agencyCode", t.role,
            t.status, t.due_at AS "dueAt", t.claimed_by AS "claimedBy", t.created_at AS "createdAt",
            a.permit_type AS "permitType", a.tracking_number AS "trackingNumber", a.region_code AS "regionCode",
            a.workflow_code AS "workflowCode", a.workflow_version AS "workflowVersion",
            a.holder_name AS "holderName", a.area_code AS "areaCode", a.correction IS NOT NULL AS "returnedBefore",
            (SELECT count(*) FROM tasks o WHERE o.application_id = t.application_id AND o.id <> t.id
               AND o.status IN ('open', 'claimed'))::int AS "otherOpenTasks",
            w.holder_code AS "paperHolder", w.in_transit_to AS "paperInTransitTo"
     FROM (SELECT id, due FROM (${ranges.join(' UNION ALL ')}) merged ORDER BY due, id LIMIT ${page.limit + 1}) page
     JOIN tasks t ON t.id = page.id JOIN applications a ON a.id = t.application_id
     LEFT JOIN paper_whereabouts w ON w.tracking_number = a.tracking_number
     ORDER BY page.due, page.id`,
    params,
  );
}

/** The queues a desk's tabs count: the officer's claimed tasks, their seats' queues, and the late part. */
export interface QueueCounts {
  mine: number;
  agency: number;
  overdue: number;
}

/**
 * How many tasks an officer's queues hold, each counted up to `cap` (a longer queue reads "cap+")
 * off the same indexes as its pages, in one statement.
 */
export async function queueCounts(
  m: EntityManager,
  owner: { claimedBy: string; seats: Array<{ agency: string; role: string }> },
  cap: number,
): Promise<QueueCounts> {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const counted = (queues: string[], extra = '') =>
    queues.length
      ? `(SELECT count(*)::int FROM (SELECT 1 FROM (${queues
          .map((q) => `(SELECT 1 FROM tasks t WHERE ${q}${extra} ORDER BY ${DUE}, t.id LIMIT ${cap})`)
          .join(' UNION ALL ')}) r LIMIT ${cap}) c)`
      : '0';
  const seats = queueConditions({ seats: owner.seats }, param);
  const mine = queueConditions({ claimedBy: owner.claimedBy }, param);
  const [row] = await m.query(
    `SELECT ${counted(mine)} AS mine, ${counted(seats)} AS agency, ${counted(seats, ` AND ${DUE} < now()`)} AS overdue`,
    params,
  );
  return row;
}
