import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed sign-ins counted per sign-in name and client, and per name across clients, whether or not
 * the name belongs to anyone (security review, findings 4, 5 and 7): one client's failures no
 * longer lock the account for everyone, and an unknown name answers exactly like a known one. Both
 * are kept as digests, never the name or the address. The account's own counters go.
 */
export class SignInThrottles1764300000001 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sign_in_throttles (
        name_hash bytea NOT NULL,
        client_hash bytea NOT NULL,
        failures int NOT NULL DEFAULT 0,
        window_started_at timestamptz NOT NULL DEFAULT now(),
        locked_until timestamptz,
        unseen_failures int NOT NULL DEFAULT 0,
        last_failed_at timestamptz,
        PRIMARY KEY (name_hash, client_hash)
      )`);
    await q.query('ALTER TABLE credentials DROP COLUMN failed_attempts, DROP COLUMN locked_until');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE credentials ADD COLUMN failed_attempts int NOT NULL DEFAULT 0, ADD COLUMN locked_until timestamptz',
    );
    await q.query('DROP TABLE sign_in_throttles');
  }
}
