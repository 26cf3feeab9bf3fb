import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The session store (connect-pg-simple's own table, under our name) and the sign-ins the sessions
 * point to. A sign-in keeps the person's tokens apart from the session object, so renewing them under
 * a row lock cannot be undone by another request saving an older copy of the session.
 */
export class CreateSessions1765000000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sessions (
        sid varchar PRIMARY KEY,
        sess json NOT NULL,
        expire timestamp(6) NOT NULL
      )`);
    await q.query(`CREATE INDEX sessions_expire ON sessions (expire)`);
    await q.query(`
      CREATE TABLE sign_ins (
        id uuid PRIMARY KEY,
        principal_id text NOT NULL,
        access_token text NOT NULL,
        access_expires_at timestamptz NOT NULL,
        refresh_token text NOT NULL,
        refresh_expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        renewed_at timestamptz
      )`);
    await q.query(`CREATE INDEX sign_ins_refresh_expires_at ON sign_ins (refresh_expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sign_ins`);
    await q.query(`DROP TABLE sessions`);
  }
}
