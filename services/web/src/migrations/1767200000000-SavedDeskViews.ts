import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Desk views officers save by name, their own and those shared with their agency. */
export class SavedDeskViews1767200000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE saved_desk_views (
        id uuid PRIMARY KEY,
        owner_id text NOT NULL,
        owner_name text NOT NULL,
        region_code text NOT NULL,
        agency_code text NOT NULL,
        name text NOT NULL,
        query text NOT NULL,
        shared boolean NOT NULL,
        saved_at timestamptz NOT NULL,
        UNIQUE (owner_id, name)
      )`);
    await q.query(
      `CREATE INDEX saved_desk_views_shared ON saved_desk_views (region_code, agency_code) WHERE shared`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE saved_desk_views`);
  }
}
