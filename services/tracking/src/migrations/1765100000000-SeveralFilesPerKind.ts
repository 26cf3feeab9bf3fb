import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A requirement may take several files (site photos, a set of drawings): an upload grant names the
 * document it replaces, if any, and a file can be withdrawn from the current set (a draft's wrong
 * photo) while its bytes and history stay.
 */
export class SeveralFilesPerKind1765100000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE document_uploads ADD COLUMN replaces_id uuid');
    await q.query('ALTER TABLE documents ADD COLUMN withdrawn_at timestamptz');
    await q.query('ALTER TABLE documents ADD COLUMN withdrawn_by jsonb');
    // Versions now count per file, not per kind; what stays unique is that a file is replaced once.
    await q.query('ALTER TABLE documents DROP CONSTRAINT documents_dossier_id_kind_version_key');
    await q.query('CREATE UNIQUE INDEX documents_replaced_once ON documents (previous_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX documents_replaced_once');
    await q.query('ALTER TABLE documents ADD UNIQUE (dossier_id, kind, version)');
    await q.query('ALTER TABLE documents DROP COLUMN withdrawn_by');
    await q.query('ALTER TABLE documents DROP COLUMN withdrawn_at');
    await q.query('ALTER TABLE document_uploads DROP COLUMN replaces_id');
  }
}
