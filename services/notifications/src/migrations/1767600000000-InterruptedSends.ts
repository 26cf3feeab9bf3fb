import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a replica began handing a message to its provider, cleared once the outcome is recorded: a
 * message taken over with this still set was interrupted mid-send, and the provider may have it.
 */
export class InterruptedSends1767600000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE messages ADD COLUMN send_started_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE messages DROP COLUMN send_started_at`);
  }
}
