import type { MigrationInterface, QueryRunner } from 'typeorm';

export const STAFF_ROLES = [
  'front-office',
  'verifier',
  'reviewer',
  'supervisor',
  'agency-admin',
  'system-admin',
];

/**
 * Regions, agencies and units; staff with their assignment history and delegations; applicants and
 * companies; credentials, login names, refresh tokens and signing keys.
 */
export class CreateIdentitySchema1763910000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    const roles = STAFF_ROLES.map((r) => `'${r}'`).join(',');
    await q.query(`
      CREATE TABLE regions (
        code varchar(4) PRIMARY KEY CHECK (code ~ '^[0-9]{4}$'),
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE agencies (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        region_code varchar(4) NOT NULL REFERENCES regions(code),
        code varchar(40) NOT NULL CHECK (code ~ '^[A-Z][A-Z0-9-]{1,39}$'),
        name text NOT NULL,
        parent_id uuid REFERENCES agencies(id),
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (region_code, code)
      )`);
    await q.query(`
      CREATE TABLE units (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        agency_id uuid NOT NULL REFERENCES agencies(id),
        code varchar(40) NOT NULL,
        name text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (agency_id, code)
      )`);
    await q.query(`
      CREATE TABLE staff (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        nip char(18) NOT NULL UNIQUE,
        employment varchar(4) NOT NULL CHECK (employment IN ('pns', 'pppk')),
        name text NOT NULL,
        email text NOT NULL UNIQUE,
        phone text UNIQUE,
        agency_id uuid NOT NULL REFERENCES agencies(id),
        unit_id uuid REFERENCES units(id),
        position text NOT NULL,
        roles text[] NOT NULL DEFAULT '{}' CHECK (roles <@ ARRAY[${roles}]::text[]),
        supervisor_id uuid REFERENCES staff(id),
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (supervisor_id IS NULL OR supervisor_id <> id)
      )`);
    await q.query(`CREATE INDEX staff_agency_idx ON staff (agency_id, name, id)`);
    await q.query(`CREATE INDEX staff_roles_idx ON staff USING gin (roles)`);
    await q.query(`
      CREATE TABLE staff_assignments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        staff_id uuid NOT NULL REFERENCES staff(id),
        agency_id uuid NOT NULL REFERENCES agencies(id),
        unit_id uuid REFERENCES units(id),
        position text NOT NULL,
        roles text[] NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz,
        changed_by text,
        changed_on_behalf_of uuid
      )`);
    await q.query(`CREATE INDEX staff_assignments_staff_idx ON staff_assignments (staff_id, started_at)`);
    await q.query(`
      CREATE TABLE delegations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind varchar(3) NOT NULL CHECK (kind IN ('plt', 'plh')),
        delegate_id uuid NOT NULL REFERENCES staff(id),
        holder_id uuid NOT NULL REFERENCES staff(id),
        agency_id uuid NOT NULL REFERENCES agencies(id),
        roles text[] NOT NULL CHECK (cardinality(roles) > 0 AND roles <@ ARRAY[${roles}]::text[]),
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        created_by text NOT NULL,
        created_on_behalf_of uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        CHECK (ends_at > starts_at),
        CHECK (delegate_id <> holder_id)
      )`);
    await q.query(`CREATE INDEX delegations_delegate_idx ON delegations (delegate_id, ends_at)`);
    await q.query(`
      CREATE TABLE companies (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        nib char(13) NOT NULL UNIQUE,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE applicants (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind varchar(7) NOT NULL CHECK (kind IN ('person', 'company')),
        name text NOT NULL,
        email text UNIQUE,
        phone text UNIQUE,
        nik char(16) UNIQUE,
        company_id uuid REFERENCES companies(id),
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((kind = 'person' AND nik IS NOT NULL AND company_id IS NULL) OR (kind = 'company' AND company_id IS NOT NULL)),
        CHECK (email IS NOT NULL OR phone IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX applicants_company_idx ON applicants (company_id)`);
    // One namespace for every name someone signs in with (email, phone, NIP), across staff and applicants.
    await q.query(`
      CREATE TABLE login_names (
        name text PRIMARY KEY,
        principal_kind varchar(9) NOT NULL CHECK (principal_kind IN ('staff', 'applicant')),
        principal_id uuid NOT NULL
      )`);
    await q.query(`CREATE INDEX login_names_principal_idx ON login_names (principal_kind, principal_id)`);
    await q.query(`
      CREATE TABLE credentials (
        principal_kind varchar(9) NOT NULL,
        principal_id uuid NOT NULL,
        password_hash text NOT NULL,
        failed_attempts int NOT NULL DEFAULT 0,
        locked_until timestamptz,
        password_changed_at timestamptz NOT NULL DEFAULT now(),
        last_login_at timestamptz,
        PRIMARY KEY (principal_kind, principal_id)
      )`);
    await q.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        family_id uuid NOT NULL,
        principal_kind varchar(9) NOT NULL,
        principal_id uuid NOT NULL,
        token_hash bytea NOT NULL UNIQUE,
        issued_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        revoked_at timestamptz,
        revoke_reason text
      )`);
    await q.query(`CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id)`);
    await q.query(
      `CREATE INDEX refresh_tokens_principal_idx ON refresh_tokens (principal_kind, principal_id)`,
    );
    await q.query(`
      CREATE TABLE signing_keys (
        kid text PRIMARY KEY,
        alg text NOT NULL,
        public_jwk jsonb NOT NULL,
        private_key_enc text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        retired_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'signing_keys',
      'refresh_tokens',
      'credentials',
      'login_names',
      'applicants',
      'companies',
      'delegations',
      'staff_assignments',
      'staff',
      'units',
      'agencies',
      'regions',
    ]) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
