import { Client } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DatabaseEnv } from '@berkas/config';
import { dropDatabase, TEST_INFRA, uniqueName } from '@berkas/testing';
import { ensureDatabase, openDatabase, SnakeNamingStrategy } from './index';

// A migration that would fail or double-insert if two replicas ran it at once.
class CreateProbe1700000000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE probe (id serial PRIMARY KEY, note text NOT NULL)');
    await q.query('SELECT pg_sleep(0.3)');
    await q.query(`INSERT INTO probe (note) VALUES ('applied')`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE probe');
  }
}

describe('persistence against the real PostgreSQL', () => {
  const name = uniqueName('berkas_test_persist');
  const db = Object.assign(new DatabaseEnv(), { url: TEST_INFRA.databaseUrl, name, poolSize: 2 });
  afterAll(() => dropDatabase(name));

  it('creates a missing database once, even when callers race', async () => {
    const results = await Promise.all([
      ensureDatabase(db.url, name),
      ensureDatabase(db.url, name),
      ensureDatabase(db.url, name),
    ]);
    expect(results.filter(Boolean).length).toBeLessThanOrEqual(1);
    expect(await ensureDatabase(db.url, name)).toBe(false);
    await expect(ensureDatabase(db.url, 'bad"; DROP')).rejects.toThrow(/unsafe/);
  });

  it('applies migrations exactly once when two replicas start together', async () => {
    const options = { entities: [], migrations: [CreateProbe1700000000000] };
    const [a, b] = await Promise.all([openDatabase(db, options), openDatabase(db, options)]);
    try {
      const client = new Client({ connectionString: `${db.url}/${name}` });
      await client.connect();
      const probe = await client.query('SELECT note FROM probe');
      const applied = await client.query('SELECT name FROM migrations');
      await client.end();
      expect(probe.rows).toEqual([{ note: 'applied' }]);
      expect(applied.rows).toEqual([{ name: 'CreateProbe1700000000000' }]);
      expect(a.options.synchronize).toBe(false);
    } finally {
      await Promise.all([a.destroy(), b.destroy()]);
    }
  });

  it('names tables and columns in snake_case', () => {
    const naming = new SnakeNamingStrategy();
    expect(naming.tableName('OutboxEvent', undefined)).toBe('outbox_event');
    expect(naming.columnName('createdAt', undefined, [])).toBe('created_at');
    expect(naming.columnName('street', undefined, ['homeAddress'])).toBe('home_address_street');
    expect(naming.joinColumnName('holderAgency', 'id')).toBe('holder_agency_id');
  });
});
