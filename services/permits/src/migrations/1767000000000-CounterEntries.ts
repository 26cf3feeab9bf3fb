import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Applications an officer entered at a counter (loket) for a walk-in: who, so that the counter's
 * sign-in sees only those, and the claim code goes out when the file is submitted.
 */
export class CounterEntries1767000000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE applications ADD COLUMN entered_by jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE applications DROP COLUMN entered_by`);
  }
}
