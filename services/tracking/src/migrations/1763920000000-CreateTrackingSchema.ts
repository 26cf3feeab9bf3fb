import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appendOnlySql } from '@berkas/persistence';

/**
 * Dossiers with their holder, documents (bytes in object storage) and upload grants, handoffs, and
 * the hash-chained history, which the database itself refuses to update or delete.
 */
export class CreateTrackingSchema1763920000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE dossiers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tracking_number varchar(19) NOT NULL UNIQUE,
        region_code varchar(4) NOT NULL,
        title text NOT NULL,
        kind varchar(20) NOT NULL,
        confidentiality varchar(12) NOT NULL DEFAULT 'internal' CHECK (confidentiality IN ('public', 'internal', 'confidential')),
        status varchar(10) NOT NULL DEFAULT 'open' CHECK (status IN ('draft', 'open', 'in-transit', 'closed')),
        outcome varchar(20),
        origin jsonb NOT NULL,
        origin_agency_id uuid NOT NULL,
        holder jsonb NOT NULL,
        holder_agency_id uuid NOT NULL,
        holder_unit_id uuid,
        held_since timestamptz NOT NULL DEFAULT now(),
        in_transit jsonb,
        in_transit_to_agency_id uuid,
        applicant_id uuid,
        company_id uuid,
        permit_type jsonb,
        due_at date,
        opened_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz,
        history_seq int NOT NULL DEFAULT 0,
        history_head char(64) NOT NULL DEFAULT repeat('0', 64)
      )`);
    // The inbox: what an agency holds, oldest first, and what is on its way to it.
    await q.query(
      `CREATE INDEX dossiers_holder_idx ON dossiers (holder_agency_id, held_since, id) WHERE status IN ('open', 'in-transit')`,
    );
    await q.query(
      `CREATE INDEX dossiers_incoming_idx ON dossiers (in_transit_to_agency_id, held_since, id) WHERE status = 'in-transit'`,
    );
    await q.query(
      `CREATE INDEX dossiers_applicant_idx ON dossiers (applicant_id) WHERE applicant_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX dossiers_company_idx ON dossiers (company_id) WHERE company_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE document_uploads (
        id uuid PRIMARY KEY,
        dossier_id uuid NOT NULL REFERENCES dossiers(id),
        kind varchar(30) NOT NULL,
        file_name text NOT NULL,
        object_key text NOT NULL UNIQUE,
        max_bytes bigint NOT NULL,
        allowed_types text[] NOT NULL,
        granted_to jsonb NOT NULL,
        expires_at timestamptz NOT NULL,
        completed_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE documents (
        id uuid PRIMARY KEY,
        dossier_id uuid NOT NULL REFERENCES dossiers(id),
        kind varchar(30) NOT NULL,
        version int NOT NULL,
        previous_id uuid REFERENCES documents(id),
        object_key text NOT NULL UNIQUE,
        sha256 char(64) NOT NULL,
        size bigint NOT NULL CHECK (size > 0),
        media_type text NOT NULL,
        file_name text NOT NULL,
        uploaded_by jsonb NOT NULL,
        uploaded_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (dossier_id, kind, version)
      )`);

    await q.query(`
      CREATE TABLE handoffs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        dossier_id uuid NOT NULL REFERENCES dossiers(id),
        from_agency jsonb NOT NULL,
        to_agency jsonb NOT NULL,
        to_agency_id uuid NOT NULL,
        note text,
        items jsonb NOT NULL,
        manifest_hash char(64) NOT NULL,
        status varchar(10) NOT NULL DEFAULT 'in-transit' CHECK (status IN ('in-transit', 'received', 'refused')),
        sent_by jsonb NOT NULL,
        sent_at timestamptz NOT NULL,
        resolved_by jsonb,
        resolved_at timestamptz,
        refusal_reason text
      )`);
    await q.query(`CREATE INDEX handoffs_dossier_idx ON handoffs (dossier_id, sent_at)`);
    // At most one handoff of a dossier in transit at a time, whatever races.
    await q.query(
      `CREATE UNIQUE INDEX handoffs_one_in_transit ON handoffs (dossier_id) WHERE status = 'in-transit'`,
    );

    await q.query(`
      CREATE TABLE history (
        dossier_id uuid NOT NULL REFERENCES dossiers(id),
        seq int NOT NULL,
        type varchar(40) NOT NULL,
        occurred_at timestamptz NOT NULL,
        actor jsonb NOT NULL,
        data jsonb NOT NULL,
        public_label jsonb,
        public_agency jsonb,
        prev_hash char(64) NOT NULL,
        hash char(64) NOT NULL,
        PRIMARY KEY (dossier_id, seq)
      )`);
    // Append-only, enforced where it cannot be bypassed by a bug in the service.
    for (const sql of appendOnlySql('history')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE history');
    await q.query('DROP FUNCTION history_is_append_only');
    await q.query('DROP TABLE handoffs');
    await q.query('DROP TABLE documents');
    await q.query('DROP TABLE document_uploads');
    await q.query('DROP TABLE dossiers');
  }
}
