import type { MigrationInterface, QueryRunner } from 'typeorm';

export const PUBLIC_VIEW_CHANNEL = 'berkas_public_view';

/**
 * Every change to a dossier row (custody, status, progress, and each history entry, which moves the
 * row's chain head) NOTIFYs its tracking number after commit, whichever code path or replica made
 * it; tracking turns these into signals so gateways drop their cached public view.
 */
export class NotifyPublicViewChanges1764100000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION notify_public_view_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('${PUBLIC_VIEW_CHANNEL}', NEW.tracking_number);
        RETURN NULL;
      END $$
    `);
    await q.query(`
      CREATE TRIGGER dossiers_public_view_changed AFTER UPDATE ON dossiers
      FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION notify_public_view_changed()
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER dossiers_public_view_changed ON dossiers');
    await q.query('DROP FUNCTION notify_public_view_changed()');
  }
}
