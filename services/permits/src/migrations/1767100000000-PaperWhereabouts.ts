import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where each file's paper dossier is, as tracking's handoff events tell it: the desk's rows show it
 * without asking tracking once per row. `moved_at` keeps a late, older event from undoing a newer one.
 */
export class PaperWhereabouts1767100000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE paper_whereabouts (
        tracking_number text PRIMARY KEY,
        holder_code text NOT NULL,
        in_transit_to text,
        moved_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE paper_whereabouts`);
  }
}
