import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A task stage's owner names its agency by `agencyCode`, as every contract does (an `agency` field is
 * always an agency object). Published versions are immutable in meaning, and this changes only the
 * word: every stored definition is rewritten once so it still validates against proto's schema.
 */
export class WorkflowOwnerAgencyCode1764400000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(renameOwnerKey('agency', 'agencyCode'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(renameOwnerKey('agencyCode', 'agency'));
  }
}

const renameOwnerKey = (from: string, to: string) => `
  UPDATE workflow_versions w SET definition = jsonb_set(
    w.definition::jsonb,
    '{stages}',
    (SELECT jsonb_object_agg(
       name,
       CASE WHEN stage->'owner' ? '${from}'
         THEN jsonb_set(stage, '{owner}', (stage->'owner') - '${from}' || jsonb_build_object('${to}', stage->'owner'->'${from}'))
         ELSE stage END)
     FROM jsonb_each(w.definition::jsonb->'stages') AS s(name, stage))
  )::json
  WHERE w.definition::text LIKE '%"${from}"%'`;
