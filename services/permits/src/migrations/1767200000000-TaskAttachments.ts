import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Files an officer attached to a task for their next action on it (a site-visit report, a review
 * memo): stored in the dossier, then named by exactly one action, whose history entry lists them.
 * `used_at` marks the action that took it; a file not yet used can still be named.
 */
export class TaskAttachments1767200000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE task_attachments (
        document_id uuid PRIMARY KEY,
        task_id uuid NOT NULL REFERENCES tasks(id),
        uploaded_by text NOT NULL,
        file_name text NOT NULL,
        media_type text NOT NULL,
        size bigint NOT NULL,
        registered_at timestamptz NOT NULL DEFAULT now(),
        used_at timestamptz
      )`);
    await q.query(`CREATE INDEX task_attachments_task ON task_attachments (task_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE task_attachments`);
  }
}
