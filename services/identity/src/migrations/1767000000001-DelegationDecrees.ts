import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An acting appointment names the decree (SK) or warrant that made it; older ones have none recorded. */
export class DelegationDecrees1767000000001 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE delegations ADD COLUMN decree_number text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE delegations DROP COLUMN decree_number`);
  }
}
