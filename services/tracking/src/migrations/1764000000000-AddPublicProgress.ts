import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the permit workflow is doing with a dossier now (open stages, their agencies and due dates,
 * waiting on the applicant), for the public tracking page; `progress_at` orders late events out.
 */
export class AddPublicProgress1764000000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE dossiers
        ADD COLUMN progress jsonb NOT NULL DEFAULT '{"awaitingApplicant": false, "currentStages": []}',
        ADD COLUMN progress_at timestamptz
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE dossiers DROP COLUMN progress, DROP COLUMN progress_at');
  }
}
