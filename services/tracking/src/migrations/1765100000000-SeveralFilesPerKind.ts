import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The catalogue's requirements that take several files when this release came out. A dossier copies
 * its permit type's rules when it opens, so the ones already open (drafts above all) learn them here;
 * otherwise their pages would offer "add a file" while tracking replaced the one file.
 */
const SEVERAL_FILES: Record<string, Record<string, number>> = {
  PBG: { 'technical-drawing': 10, certificate: 3 },
  REKLAME: { photo: 5 },
};

/**
 * A requirement may take several files (site photos, a set of drawings): an upload grant names the
 * document it replaces, if any, and a file can be withdrawn from the current set (a draft's wrong
 * photo) while its bytes and history stay.
 */
export class SeveralFilesPerKind1765100000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    const open: Array<{ id: string; code: string; rules: Array<{ kind: string }> }> = await q.query(
      `SELECT id, permit_type->>'code' AS code, document_rules AS rules FROM dossiers
       WHERE status <> 'closed' AND document_rules IS NOT NULL AND permit_type->>'code' = ANY($1)`,
      [Object.keys(SEVERAL_FILES)],
    );
    for (const d of open) {
      const rules = d.rules.map((r) => {
        const maxFiles = SEVERAL_FILES[d.code]?.[r.kind];
        return maxFiles ? { ...r, maxFiles } : r;
      });
      await q.query('UPDATE dossiers SET document_rules = $2 WHERE id = $1', [d.id, JSON.stringify(rules)]);
    }
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
