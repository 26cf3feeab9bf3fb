import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An issued permit names the office that issued it by id and region, not only by agency code:
 * authority over it (revocation) comes from that id. A code alone matched the same-named office of
 * every other region (security review, finding 1).
 */
export class IssuedPermitAuthority1764300000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE issued_permits ADD COLUMN issuing_agency_id uuid, ADD COLUMN region_code varchar(4)`,
    );
    await q.query(`
      UPDATE issued_permits p SET issuing_agency_id = a.issuing_agency_id, region_code = a.region_code
      FROM applications a WHERE a.id = p.application_id`);
    await q.query(
      `ALTER TABLE issued_permits ALTER COLUMN issuing_agency_id SET NOT NULL, ALTER COLUMN region_code SET NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE issued_permits DROP COLUMN issuing_agency_id, DROP COLUMN region_code`);
  }
}
