import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MESSAGING_MIGRATIONS } from '@berkas/messaging';
import { dropDatabase, TEST_INFRA, uniqueName } from '@berkas/testing';
import { TRACKING_MIGRATIONS } from './index';

// Real PostgreSQL: the migrations before this one, a dossier opened under them, then this one.
describe('migration SeveralFilesPerKind', () => {
  const database = uniqueName('berkas_test_trk_migration');
  let db: DataSource;

  beforeAll(async () => {
    const admin = new Client({ connectionString: `${TEST_INFRA.databaseUrl}/postgres` });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    await admin.end();
  });
  afterAll(async () => {
    await db?.destroy();
    await dropDatabase(database);
  });

  const connect = (migrations: typeof TRACKING_MIGRATIONS) =>
    new DataSource({
      type: 'postgres',
      url: `${TEST_INFRA.databaseUrl}/${database}`,
      migrations: [...MESSAGING_MIGRATIONS, ...migrations],
    }).initialize();

  it("gives the open dossiers of permit types with several files per requirement their rules' maxFiles", async () => {
    const earlier = await connect(TRACKING_MIGRATIONS.slice(0, -1));
    await earlier.runMigrations();
    const rules = [{ kind: 'identity-card' }, { kind: 'photo', maxBytes: 1000 }, { kind: 'site-plan' }];
    const open = randomUUID();
    const closed = randomUUID();
    for (const [id, status, tn] of [
      [open, 'draft', '3271-26-AAAA-AAAA-A'],
      [closed, 'closed', '3271-26-BBBB-BBBB-B'],
    ])
      await earlier.query(
        `INSERT INTO dossiers (id, tracking_number, region_code, title, kind, status, origin, origin_agency_id,
           holder, holder_agency_id, permit_type, document_rules)
         VALUES ($1, $2, '3271', 'Permohonan', 'permit-application', $3, '{}', $4, '{}', $4, $5, $6)`,
        [id, tn, status, randomUUID(), JSON.stringify({ code: 'REKLAME' }), JSON.stringify(rules)],
      );
    await earlier.destroy();

    db = await connect(TRACKING_MIGRATIONS);
    await db.runMigrations();
    const rulesOf = async (id: string) =>
      (await db.query('SELECT document_rules FROM dossiers WHERE id = $1', [id]))[0].document_rules;
    expect(await rulesOf(open)).toEqual([
      { kind: 'identity-card' },
      { kind: 'photo', maxBytes: 1000, maxFiles: 5 },
      { kind: 'site-plan' },
    ]);
    expect(await rulesOf(closed)).toEqual(rules);
  });
});
