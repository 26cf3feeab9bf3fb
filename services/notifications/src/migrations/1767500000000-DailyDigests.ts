import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Officers who chose a daily digest: what they would have been sent one by one is gathered until their
 * morning's digest (one per person and local day) takes it.
 */
export class DailyDigests1767500000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE digests (
        person_id uuid NOT NULL,
        local_date date NOT NULL,
        -- claimed first, its notice written after in the same transaction
        notice_id uuid NOT NULL REFERENCES notices(id) DEFERRABLE INITIALLY DEFERRED,
        PRIMARY KEY (person_id, local_date)
      )`);
    await q.query(`
      CREATE TABLE digest_items (
        notice_id uuid NOT NULL REFERENCES notices(id),
        person_id uuid NOT NULL,
        notice varchar(40) NOT NULL,
        region_code varchar(4) NOT NULL,
        application_id uuid,
        variables jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        digest_notice_id uuid REFERENCES notices(id),
        PRIMARY KEY (notice_id, person_id)
      )`);
    await q.query(
      `CREATE INDEX digest_items_waiting ON digest_items (person_id) WHERE digest_notice_id IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE digest_items`);
    await q.query(`DROP TABLE digests`);
  }
}
