import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Registrations and company invitations wait for a one-time code sent to the email or phone, so
 * registering says nothing about who already has an account (security review, finding 5). The
 * messages identity owes people (codes, notices) are queued in the same transaction and sent with
 * retries; a code's text is erased once sent.
 */
export class RegistrationByCode1764300000002 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE pending_registrations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        login text NOT NULL UNIQUE,
        kind varchar(14) NOT NULL CHECK (kind IN ('person', 'company', 'company-member')),
        details jsonb NOT NULL,
        password_hash text,
        code_hash bytea NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE outgoing_messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        channel varchar(5) NOT NULL CHECK (channel IN ('email', 'sms')),
        recipient text NOT NULL,
        subject text,
        body text,
        secret boolean NOT NULL DEFAULT false,
        status varchar(6) NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        provider_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX outgoing_messages_due_idx ON outgoing_messages (next_attempt_at) WHERE status = 'queued'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE outgoing_messages');
    await q.query('DROP TABLE pending_registrations');
  }
}
