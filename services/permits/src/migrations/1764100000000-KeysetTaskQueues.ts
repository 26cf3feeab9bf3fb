import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Inbox pages are keyset ranges over (due date, id) with open-ended tasks last. Indexing
 * COALESCE(due_at, 'infinity') lets a page start with one row comparison, an index range: with the
 * old `due_at > x OR due_at IS NULL OR (…)` form, a page halfway down a 500,000-task queue read
 * every row before it (743 ms; BENCHMARKS.md, inbox). Tasks by application back the officer's
 * "may I see this file" check, which otherwise scans every task ever closed.
 */
export class KeysetTaskQueues1764100000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX tasks_inbox_idx');
    await q.query(
      `CREATE INDEX tasks_inbox_idx ON tasks (agency_id, role, (COALESCE(due_at, 'infinity'::timestamptz)), id)
       WHERE status IN ('open', 'claimed')`,
    );
    await q.query('DROP INDEX tasks_claimed_idx');
    await q.query(
      `CREATE INDEX tasks_claimed_idx ON tasks (claimed_by, (COALESCE(due_at, 'infinity'::timestamptz)), id)
       WHERE status = 'claimed'`,
    );
    await q.query('CREATE INDEX tasks_application_idx ON tasks (application_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX tasks_application_idx');
    await q.query('DROP INDEX tasks_claimed_idx');
    await q.query(
      `CREATE INDEX tasks_claimed_idx ON tasks (claimed_by, due_at NULLS LAST, id) WHERE status = 'claimed'`,
    );
    await q.query('DROP INDEX tasks_inbox_idx');
    await q.query(
      `CREATE INDEX tasks_inbox_idx ON tasks (agency_id, role, due_at NULLS LAST, id) WHERE status IN ('open', 'claimed')`,
    );
  }
}
