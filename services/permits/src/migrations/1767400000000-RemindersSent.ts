import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The reminders already announced (a deadline at a threshold), so each goes out once, whatever replica. */
export class RemindersSent1767400000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE reminders_sent (
        key text PRIMARY KEY,
        sent_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reminders_sent`);
  }
}
