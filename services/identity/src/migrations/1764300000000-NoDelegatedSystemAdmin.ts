import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * system-admin is never delegated (security review, finding 2: an agency-admin delegated it to
 * themselves). Every running delegation that carries it ends now, kept as it was for the record;
 * a new one may carry the position's other roles.
 */
export class NoDelegatedSystemAdmin1764300000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE delegations SET revoked_at = now() WHERE revoked_at IS NULL AND 'system-admin' = ANY(roles)`,
    );
    await q.query(`
      ALTER TABLE delegations ADD CONSTRAINT delegations_no_system_admin
      CHECK (revoked_at IS NOT NULL OR NOT ('system-admin' = ANY(roles)))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE delegations DROP CONSTRAINT delegations_no_system_admin');
  }
}
