import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One rule set for a dossier's documents, whatever the route (security review, finding 3): the
 * dossier keeps the documents its process asks for and their limits, and an upload grant remembers
 * the service that vouched for its uploader, which alone may then register it.
 */
export class DossierDocumentRules1764300000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE dossiers ADD COLUMN document_rules jsonb');
    await q.query('ALTER TABLE document_uploads ADD COLUMN vouched_by text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE document_uploads DROP COLUMN vouched_by');
    await q.query('ALTER TABLE dossiers DROP COLUMN document_rules');
  }
}
