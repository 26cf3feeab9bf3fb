import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The last return to the applicant (perbaikan): the officer's note, the answers and documents to fix,
 * and, once resubmitted, what the applicant changed. Kept on the application, not only in its history,
 * because both sides read it on every view of the file.
 */
export class ApplicationCorrections1765000000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE applications ADD COLUMN correction jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE applications DROP COLUMN correction`);
  }
}
