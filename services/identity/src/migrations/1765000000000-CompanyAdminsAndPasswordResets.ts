import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A company's admin member (who registered it, to begin with) adds and removes its members; a
 * removed member's account is closed, not deleted, so the history still names them. Forgotten
 * passwords are reset with a one-time code, one pending reset per account.
 */
export class CompanyAdminsAndPasswordResets1765000000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE applicants ADD COLUMN company_admin boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE applicants ADD COLUMN removed_at timestamptz`);
    await q.query(`ALTER TABLE applicants ADD COLUMN removed_by uuid`);
    // Every company that exists already has its first member as admin.
    await q.query(`
      UPDATE applicants a SET company_admin = true
      WHERE a.company_id IS NOT NULL AND a.id = (
        SELECT b.id FROM applicants b WHERE b.company_id = a.company_id ORDER BY b.created_at, b.id LIMIT 1
      )`);
    await q.query(`
      CREATE TABLE password_resets (
        id uuid PRIMARY KEY,
        principal_kind varchar(9) NOT NULL,
        principal_id uuid NOT NULL,
        code_hash bytea NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (principal_kind, principal_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE password_resets`);
    await q.query(
      `ALTER TABLE applicants DROP COLUMN removed_by, DROP COLUMN removed_at, DROP COLUMN company_admin`,
    );
  }
}
