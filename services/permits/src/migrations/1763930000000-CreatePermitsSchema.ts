import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appendOnlySql } from '@berkas/persistence';

/**
 * Published workflow versions, the holiday calendar, applications with their workflow state and
 * clocks, tasks, the append-only application history, issued permits and their gapless numbers.
 */
export class CreatePermitsSchema1763930000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE workflow_versions (
        code text NOT NULL,
        version int NOT NULL CHECK (version > 0),
        definition json NOT NULL, -- json, not jsonb: the order of stages and actions is meaningful
        published_at timestamptz NOT NULL DEFAULT now(),
        published_by text NOT NULL,
        PRIMARY KEY (code, version)
      )`);
    await q.query(`
      CREATE TABLE holidays (
        id serial PRIMARY KEY,
        region_code varchar(4),
        date date NOT NULL,
        name_id text NOT NULL,
        name_en text NOT NULL,
        kind varchar(20) NOT NULL CHECK (kind IN ('national', 'collective_leave', 'regional')),
        source text NOT NULL
      )`);
    // National days have no region; a region may add its own. One entry per day and scope.
    await q.query(`CREATE UNIQUE INDEX holidays_day_idx ON holidays (coalesce(region_code, ''), date)`);
    await q.query(`
      CREATE TABLE applications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        permit_type text NOT NULL,
        region_code varchar(4) NOT NULL,
        applicant_id uuid NOT NULL,
        company_id uuid,
        applicant_name text NOT NULL,
        status varchar(12) NOT NULL CHECK (status IN ('draft', 'in-review', 'returned', 'issued', 'rejected', 'withdrawn')),
        form jsonb NOT NULL DEFAULT '{}',
        dossier_id uuid,
        tracking_number text,
        issuing_agency_id uuid NOT NULL,
        workflow_code text NOT NULL,
        workflow_version int NOT NULL,
        flow jsonb,
        service_clock jsonb NOT NULL DEFAULT '[]',
        submitted_at timestamptz,
        complete_at timestamptz,
        due_at timestamptz,
        outcome text,
        fee jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        history_seq int NOT NULL DEFAULT 0,
        history_head char(64) NOT NULL DEFAULT repeat('0', 64),
        FOREIGN KEY (workflow_code, workflow_version) REFERENCES workflow_versions (code, version)
      )`);
    await q.query(
      `CREATE INDEX applications_applicant_idx ON applications (applicant_id, created_at DESC, id)`,
    );
    await q.query(
      `CREATE INDEX applications_company_idx ON applications (company_id, created_at DESC, id) WHERE company_id IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE tasks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        application_id uuid NOT NULL REFERENCES applications(id),
        stage text NOT NULL,
        agency_code text NOT NULL,
        agency_id uuid NOT NULL,
        role text NOT NULL,
        status varchar(10) NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'claimed', 'done', 'cancelled')),
        claimed_by uuid,
        claimed_at timestamptz,
        clock jsonb NOT NULL DEFAULT '[]',
        due_at timestamptz,
        handoff_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz,
        closed_by jsonb,
        action text,
        note text,
        escalated_at timestamptz,
        timeout_applied_at timestamptz
      )`);
    // The inbox: an agency's open tasks for a role, due first; and each open stage has one task.
    await q.query(
      `CREATE INDEX tasks_inbox_idx ON tasks (agency_id, role, due_at NULLS LAST, id) WHERE status IN ('open', 'claimed')`,
    );
    await q.query(
      `CREATE INDEX tasks_claimed_idx ON tasks (claimed_by, due_at NULLS LAST, id) WHERE status = 'claimed'`,
    );
    await q.query(
      `CREATE INDEX tasks_overdue_idx ON tasks (due_at) WHERE status IN ('open', 'claimed') AND escalated_at IS NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX tasks_one_open_per_stage ON tasks (application_id, stage) WHERE status IN ('open', 'claimed')`,
    );
    await q.query(`
      CREATE TABLE application_history (
        application_id uuid NOT NULL REFERENCES applications(id),
        seq int NOT NULL,
        type varchar(40) NOT NULL,
        occurred_at timestamptz NOT NULL,
        actor jsonb NOT NULL,
        data jsonb NOT NULL,
        prev_hash char(64) NOT NULL,
        hash char(64) NOT NULL,
        PRIMARY KEY (application_id, seq)
      )`);
    for (const sql of appendOnlySql('application_history')) await q.query(sql);
    await q.query(`
      CREATE TABLE permit_sequences (
        agency_code text NOT NULL,
        year int NOT NULL,
        last_value int NOT NULL DEFAULT 0,
        PRIMARY KEY (agency_code, year)
      )`);
    await q.query(`
      CREATE TABLE issued_permits (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        application_id uuid NOT NULL UNIQUE REFERENCES applications(id),
        number text NOT NULL UNIQUE,
        agency_code text NOT NULL,
        year int NOT NULL,
        sequence int NOT NULL,
        permit_type jsonb NOT NULL,
        holder_name text NOT NULL,
        issued_at timestamptz NOT NULL,
        valid_until date,
        verification_code text NOT NULL UNIQUE,
        document_id uuid,
        revoked_at timestamptz,
        UNIQUE (agency_code, year, sequence)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'issued_permits',
      'permit_sequences',
      'application_history',
      'tasks',
      'applications',
      'holidays',
      'workflow_versions',
    ]) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
