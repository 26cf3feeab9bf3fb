import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The front office's counter (loket): an account an officer opens for a walk-in (no password until
 * its owner claims it), the sign-in the officer then works in (marked with who assists), and the
 * claim codes sent once a file entered there is submitted, one per tracking number.
 */
export class CounterVisits1767000000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE applicants
        ADD COLUMN enrolled_by uuid REFERENCES staff(id),
        ADD COLUMN enrolled_at timestamptz`);
    await q.query(`ALTER TABLE refresh_tokens ADD COLUMN assisted_by jsonb`);
    await q.query(`
      CREATE TABLE walk_in_claims (
        tracking_number text PRIMARY KEY,
        applicant_id uuid NOT NULL REFERENCES applicants(id),
        office text NOT NULL,
        sent varchar(6) NOT NULL CHECK (sent IN ('code', 'notice')),
        code_hash bytea,
        attempts int NOT NULL DEFAULT 0,
        expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX walk_in_claims_applicant ON walk_in_claims (applicant_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE walk_in_claims`);
    await q.query(`ALTER TABLE refresh_tokens DROP COLUMN assisted_by`);
    await q.query(`ALTER TABLE applicants DROP COLUMN enrolled_by, DROP COLUMN enrolled_at`);
  }
}
