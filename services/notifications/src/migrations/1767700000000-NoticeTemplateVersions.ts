import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The wording of each notice per language as an operator edits it: every version saved (a draft until it
 * is published), never changed once written, with who saved it and when; and every publication (which
 * version went into use, by whom, when), the latest per notice and language being the one in use. Rows
 * are only ever added. Version 1 of each is the shipped data/templates.json, added at start when missing
 * (a release that ships a new notice gets its version 1 the same way). Messages record the version they
 * were worded with.
 */
export class NoticeTemplateVersions1767700000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE template_versions (
        kind varchar(40) NOT NULL,
        language varchar(2) NOT NULL CHECK (language IN ('id', 'en')),
        version int NOT NULL CHECK (version >= 1),
        subject text NOT NULL,
        email text NOT NULL,
        sms text NOT NULL,
        whatsapp text NOT NULL,
        -- a staff id, or 'system' for the wording shipped with Berkas
        saved_by_id varchar(100) NOT NULL,
        saved_by_name text NOT NULL,
        saved_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (kind, language, version)
      )`);
    await q.query(`
      CREATE TABLE template_publications (
        id bigserial PRIMARY KEY,
        kind varchar(40) NOT NULL,
        language varchar(2) NOT NULL,
        version int NOT NULL,
        published_by_id varchar(100) NOT NULL,
        published_by_name text NOT NULL,
        published_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (kind, language, version) REFERENCES template_versions (kind, language, version)
      )`);
    await q.query(
      `CREATE INDEX template_publications_latest ON template_publications (kind, language, id DESC)`,
    );
    await q.query(`ALTER TABLE messages ADD COLUMN template_version int`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE messages DROP COLUMN template_version`);
    await q.query(`DROP TABLE template_publications`);
    await q.query(`DROP TABLE template_versions`);
  }
}
