import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Numbers counted in the right scope (issue 15): permit numbers per issuing office (region + agency)
 * and the region's local year, levy bills in a sequence of their own per region and local year
 * (they borrowed the permit counter under a made-up agency code, BILL-<region>). Counters carry on
 * from the highest number already issued in each scope; numbers already printed are not changed.
 * An application also names its holder: the company for a company's application, not the member
 * who happened to apply.
 */
export class IssuingOfficeNumbers1764600000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE permit_number_sequences (
        region_code varchar(4) NOT NULL,
        agency_code text NOT NULL,
        year int NOT NULL,
        last_value int NOT NULL,
        PRIMARY KEY (region_code, agency_code, year)
      )`);
    await q.query(`
      INSERT INTO permit_number_sequences (region_code, agency_code, year, last_value)
      SELECT region_code, agency_code, year, max(sequence) FROM issued_permits
      GROUP BY region_code, agency_code, year`);
    await q.query(`
      CREATE TABLE bill_number_sequences (
        region_code varchar(4) NOT NULL,
        year int NOT NULL,
        last_value int NOT NULL,
        PRIMARY KEY (region_code, year)
      )`);
    await q.query(`
      INSERT INTO bill_number_sequences (region_code, year, last_value)
      SELECT split_part(fee->>'billNumber', '/', 2), split_part(fee->>'billNumber', '/', 3)::int,
             max(split_part(fee->>'billNumber', '/', 4)::int)
      FROM applications WHERE fee->>'billNumber' ~ '^RET/[0-9]{4}/[0-9]{4}/[0-9]+$'
      GROUP BY 1, 2`);
    await q.query(`DROP TABLE permit_sequences`);
    await q.query(`ALTER TABLE issued_permits DROP CONSTRAINT issued_permits_agency_code_year_sequence_key`);
    await q.query(
      `ALTER TABLE issued_permits ADD CONSTRAINT issued_permits_office_year_sequence_key UNIQUE (region_code, agency_code, year, sequence)`,
    );
    await q.query(`ALTER TABLE applications ADD COLUMN holder_name text`);
    await q.query(`UPDATE applications SET holder_name = applicant_name`);
    await q.query(`ALTER TABLE applications ALTER COLUMN holder_name SET NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE applications DROP COLUMN holder_name`);
    await q.query(`ALTER TABLE issued_permits DROP CONSTRAINT issued_permits_office_year_sequence_key`);
    await q.query(
      `ALTER TABLE issued_permits ADD CONSTRAINT issued_permits_agency_code_year_sequence_key UNIQUE (agency_code, year, sequence)`,
    );
    await q.query(`
      CREATE TABLE permit_sequences (
        agency_code text NOT NULL, year int NOT NULL, last_value int NOT NULL DEFAULT 0,
        PRIMARY KEY (agency_code, year)
      )`);
    await q.query(`
      INSERT INTO permit_sequences (agency_code, year, last_value)
      SELECT agency_code, year, max(last_value) FROM permit_number_sequences GROUP BY agency_code, year
      UNION ALL SELECT 'BILL-' || region_code, year, last_value FROM bill_number_sequences`);
    await q.query(`DROP TABLE bill_number_sequences`);
    await q.query(`DROP TABLE permit_number_sequences`);
  }
}
