import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What notifications keeps: each event someone must hear about (a notice, taken once per event), the
 * messages it owes (one per notice, person and channel, so a retry or a replay never writes a second),
 * and every status a message went through, from the sender and from the providers' reports; people's
 * consent to WhatsApp and SMS, and their language and digest choice.
 */
export class CreateNotificationsSchema1767400000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notices (
        id uuid PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        event_type text NOT NULL,
        data jsonb NOT NULL,
        state varchar(7) NOT NULL CHECK (state IN ('pending', 'planned')),
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        planned_at timestamptz
      )`);
    await q.query(`CREATE INDEX notices_pending ON notices (next_attempt_at) WHERE state = 'pending'`);
    await q.query(`
      CREATE TABLE messages (
        id uuid PRIMARY KEY,
        notice_id uuid NOT NULL REFERENCES notices(id),
        notice varchar(40) NOT NULL,
        application_id uuid,
        -- whose file it is, so the file's readers (its applicant, its company, its region's officers) see its messages
        applicant_id uuid,
        company_id uuid,
        region_code varchar(4),
        recipient_id uuid NOT NULL,
        recipient_kind varchar(9) NOT NULL CHECK (recipient_kind IN ('applicant', 'staff')),
        recipient_name text NOT NULL,
        channel varchar(8) NOT NULL CHECK (channel IN ('email', 'whatsapp', 'sms')),
        address text NOT NULL,
        language varchar(2) NOT NULL,
        variables jsonb NOT NULL,
        subject text,
        body text NOT NULL,
        template jsonb,
        status varchar(9) NOT NULL
          CHECK (status IN ('queued', 'sent', 'delivered', 'read', 'failed', 'dead', 'skipped')),
        reason text,
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        provider_id text,
        fallback_for uuid REFERENCES messages(id),
        -- the channels left to try, in order, should this one fail or die: [{channel, address}]
        fallbacks jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (notice_id, recipient_id, channel)
      )`);
    await q.query(`CREATE INDEX messages_due ON messages (next_attempt_at) WHERE status = 'queued'`);
    await q.query(`CREATE INDEX messages_of_application ON messages (application_id, created_at)`);
    await q.query(`CREATE UNIQUE INDEX messages_by_provider_id ON messages (channel, provider_id)`);
    await q.query(`
      CREATE TABLE message_statuses (
        id bigserial PRIMARY KEY,
        message_id uuid NOT NULL REFERENCES messages(id),
        status varchar(9) NOT NULL,
        source varchar(8) NOT NULL CHECK (source IN ('sender', 'provider')),
        detail text,
        at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX message_statuses_of_message ON message_statuses (message_id, id)`);
    // Consent to WhatsApp and SMS as UU PDP asks it kept: every grant and withdrawal, when and how,
    // appended, never changed; the latest per person and channel is what holds.
    await q.query(`
      CREATE TABLE consents (
        id bigserial PRIMARY KEY,
        person_id uuid NOT NULL,
        channel varchar(8) NOT NULL CHECK (channel IN ('whatsapp', 'sms')),
        given boolean NOT NULL,
        how varchar(12) NOT NULL CHECK (how IN ('account', 'message-link')),
        at timestamptz NOT NULL DEFAULT now(),
        request_id text
      )`);
    await q.query(`CREATE INDEX consents_of_person ON consents (person_id, channel, id DESC)`);
    await q.query(`
      CREATE TABLE preferences (
        person_id uuid PRIMARY KEY,
        language varchar(2) NOT NULL DEFAULT 'id' CHECK (language IN ('id', 'en')),
        digest boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE preferences`);
    await q.query(`DROP TABLE consents`);
    await q.query(`DROP TABLE message_statuses`);
    await q.query(`DROP TABLE messages`);
    await q.query(`DROP TABLE notices`);
  }
}
