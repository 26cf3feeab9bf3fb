import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The kelurahan/desa an application's form names (its `area` question, by Kemendagri code), kept
 * beside the form so officers' queues can be narrowed to a kecamatan or kelurahan without reading
 * every form. Forms before `area` questions existed name none.
 */
export class ApplicationAreas1767300000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE applications ADD COLUMN area_code varchar(13)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE applications DROP COLUMN area_code`);
  }
}
