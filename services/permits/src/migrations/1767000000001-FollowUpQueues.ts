import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The desk's follow-up lists read as index ranges: files returned to their applicants, by the agency
 * that returned them (oldest first), and a supervisor's escalated tasks (latest first).
 */
export class FollowUpQueues1767000000001 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX applications_returned_idx ON applications
        (region_code, (correction->>'agencyCode'), (correction->>'returnedAt'), id) WHERE status = 'returned'`);
    await q.query(`
      CREATE INDEX tasks_escalated_idx ON tasks (agency_id, escalated_at DESC, id DESC)
        WHERE escalated_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX tasks_escalated_idx`);
    await q.query(`DROP INDEX applications_returned_idx`);
  }
}
