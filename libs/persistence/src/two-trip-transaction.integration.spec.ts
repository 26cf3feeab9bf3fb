import type { DataSource } from 'typeorm';
import { DatabaseEnv } from '@berkas/config';
import { dropDatabase, rejectionOf, TEST_INFRA, uniqueName } from '@berkas/testing';
import { openDatabase, twoTripTransaction } from './index';

// The envelope is merged, the transaction is not: what a transaction guarantees must still hold.
describe('a transaction in two round trips fewer, on the real PostgreSQL', () => {
  const name = uniqueName('berkas_test_twotrip');
  let db: DataSource;

  beforeAll(async () => {
    const env = Object.assign(new DatabaseEnv(), { url: TEST_INFRA.databaseUrl, name, poolSize: 4 });
    db = await openDatabase(env, { entities: [], migrations: [] });
    await db.query('CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL, tags text[])');
    await db.query(`INSERT INTO notes (body) VALUES ('first')`);
  });
  afterAll(async () => {
    await db?.destroy();
    await dropDatabase(name);
  });

  const notes = async () => (await db.query('SELECT body, tags FROM notes ORDER BY id')) as unknown[];

  it('writes what happened between the first and last statement, and the values exactly as given', async () => {
    // Text that would break a literal built by hand, or look like a parameter itself.
    const hostile = `it's "quoted" \\ back\\slashed, $1 and $2, '); DROP TABLE notes; -- ünïcödé`;
    const written = await twoTripTransaction<string[], { body: string }>(
      db,
      { sql: 'SELECT body FROM notes WHERE id = $1 FOR UPDATE', params: [1] },
      async (rows, tx) => {
        await tx.manager.query('INSERT INTO notes (body) VALUES ($1)', ['between']);
        const last = await tx.commitWith({
          sql: 'INSERT INTO notes (body, tags) VALUES ($1, $2) RETURNING body',
          params: [hostile, ['a,b', 'c"d', 'e\\f']],
        });
        return [rows[0].body, ...last.map((r) => String(r['body']))];
      },
    );
    expect(written).toEqual(['first', hostile]);
    expect(await notes()).toEqual([
      { body: 'first', tags: null },
      { body: 'between', tags: null },
      { body: hostile, tags: ['a,b', 'c"d', 'e\\f'] },
    ]);
  });

  it('keeps nothing when the work throws, rolls back, or the last statement fails', async () => {
    const before = await notes();
    const first = { sql: 'INSERT INTO notes (body) VALUES ($1)', params: ['never'] };
    await expect(
      twoTripTransaction(db, first, async () => {
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await twoTripTransaction(db, first, (_, tx) => tx.rollback());
    const failed = await rejectionOf<{ code: string }>(
      twoTripTransaction(db, first, (_, tx) =>
        tx.commitWith({ sql: 'INSERT INTO notes (body) VALUES (NULL)', params: [] }),
      ),
    );
    expect(failed.code).toBe('23502'); // not null
    expect(await notes()).toEqual(before);
    // Every connection went back to the pool usable: no transaction left open on any of them.
    const idle = await Promise.all(
      [1, 2, 3, 4].map(() => db.query(`SELECT count(*)::int AS n FROM notes WHERE body = 'never'`)),
    );
    expect(idle.map(([r]) => r.n)).toEqual([0, 0, 0, 0]);
  });

  it("holds its lock from the first statement to the commit: a second writer waits, then sees the first one's write", async () => {
    const lockFirst = { sql: 'SELECT body FROM notes WHERE id = 1 FOR UPDATE', params: [] };
    let slowLocked = false;
    const slow = twoTripTransaction(db, lockFirst, async (_, tx) => {
      slowLocked = true;
      await new Promise((r) => setTimeout(r, 200));
      await tx.commitWith({ sql: `UPDATE notes SET body = 'slow' WHERE id = 1`, params: [] });
    });
    while (!slowLocked) await new Promise((r) => setTimeout(r, 5));
    // Its first statement waits for the lock, so it reads the body as the slow one committed it.
    const fast = twoTripTransaction<string, { body: string }>(db, lockFirst, async ([row], tx) => {
      await tx.commitWith({ sql: `UPDATE notes SET body = body || ' then fast' WHERE id = 1`, params: [] });
      return row.body;
    });
    const [, seen] = await Promise.all([slow, fast]);
    expect(seen).toBe('slow');
    expect((await db.query('SELECT body FROM notes WHERE id = 1'))[0].body).toBe('slow then fast');
  });
});
