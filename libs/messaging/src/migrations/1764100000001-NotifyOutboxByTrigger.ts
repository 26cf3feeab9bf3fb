import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The relay's wake-up NOTIFY comes from a statement trigger on the outbox instead of a second
 * statement after each insert: one round trip less in every transaction that emits an event, which
 * on this stack is a measurable share of a workflow transition (BENCHMARKS.md). PostgreSQL still
 * delivers it only when the transaction commits.
 */
export class NotifyOutboxByTrigger1764100000001 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('berkas_outbox', '');
        RETURN NULL;
      END $$
    `);
    await q.query(
      'CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION notify_outbox()',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER outbox_notify ON outbox');
    await q.query('DROP FUNCTION notify_outbox()');
  }
}
