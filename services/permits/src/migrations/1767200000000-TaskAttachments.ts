import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Files an officer attaches to a task for their next action on it (a site-visit report, a review
 * memo). A row is made with the upload grant, so only that grant can be registered for the task and
 * officer; registering fills in the document; then exactly one action names it (`used_at`), and its
 * history entry lists it.
 */
export class TaskAttachments1767200000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE task_attachments (
        upload_id uuid PRIMARY KEY,
        task_id uuid NOT NULL REFERENCES tasks(id),
        uploaded_by text NOT NULL,
        prepared_at timestamptz NOT NULL DEFAULT now(),
        document_id uuid UNIQUE,
        file_name text,
        media_type text,
        size bigint,
        used_at timestamptz
      )`);
    await q.query(`CREATE INDEX task_attachments_task ON task_attachments (task_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE task_attachments`);
  }
}
