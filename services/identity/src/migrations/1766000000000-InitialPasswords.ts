import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A password someone else chose (an admin adding an officer) is an initial one: its owner must
 * replace it at their first sign-in. Existing accounts keep theirs.
 */
export class InitialPasswords1766000000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE credentials ADD COLUMN password_change_required boolean NOT NULL DEFAULT false`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE credentials DROP COLUMN password_change_required`);
  }
}
