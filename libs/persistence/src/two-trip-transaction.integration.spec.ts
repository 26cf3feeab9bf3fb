import type { DataSource } from 'typeorm';
import { DatabaseEnv } from '@berkas/config';
import { dropDatabase, rejectionOf, TEST_INFRA, uniqueName } from '@berkas/testing';
import { openDatabase, twoTripTransaction, type PipelinedTransaction } from './index';

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

  describe('statements prepared once per connection', () => {
    /** Adds a note, counting those with the same body first; answers what it said and, read on its
     * own connection inside its transaction, the statements that connection has prepared. */
    const add = (
      body: string | null,
      tags: string[] = [],
      before?: (tx: PipelinedTransaction) => Promise<unknown>,
    ) =>
      twoTripTransaction<{ said: string; prepared: string[] }, { n: number }>(
        db,
        {
          sql: 'SELECT count(*)::int AS n FROM notes WHERE body = $1',
          params: [body],
          prepared: 'count_notes',
        },
        async ([{ n }], tx) => {
          await before?.(tx);
          const prepared = (
            (await tx.manager.query('SELECT name FROM pg_prepared_statements ORDER BY name')) as Array<{
              name: string;
            }>
          ).map((r) => r.name);
          const [row] = await tx.commitWith({
            sql: 'INSERT INTO notes (body, tags) VALUES ($1, $2) RETURNING body || $3 AS said',
            params: [body, tags, ` (${n} before)`],
            prepared: 'add_note',
          });
          return { said: String(row['said']), prepared };
        },
      );

    it("runs them with each call's own values on every connection of the pool", async () => {
      const hostile = `it's "quoted" \\ $1 '); DROP TABLE notes; --`;
      expect((await add(hostile, ['a,b', 'c"d'])).said).toBe(`${hostile} (0 before)`);
      expect((await add(hostile)).said).toBe(`${hostile} (1 before)`);
      // Side by side, so that every connection of the pool takes some.
      const many = await Promise.all(Array.from({ length: 12 }, (_, i) => add(`note ${i}`)));
      expect(many.map((m) => m.said)).toEqual(Array.from({ length: 12 }, (_, i) => `note ${i} (0 before)`));
      // The first statement was prepared on its connection before the transaction's own reads ran.
      for (const { prepared } of many) expect(prepared).toContain('count_notes');
      expect(await db.query(`SELECT tags FROM notes WHERE body = $1 ORDER BY id`, [hostile])).toEqual([
        { tags: ['a,b', 'c"d'] },
        { tags: [] },
      ]);
    });

    it('keep working after a failed transaction, and after a connection lost them', async () => {
      const failed = await rejectionOf<{ code: string }>(add(null));
      expect(failed.code).toBe('23502'); // not null: rolled back, the statements stay prepared
      expect((await add('after a failure')).said).toBe('after a failure (0 before)');
      // Something else on the connection dropped them: that transaction fails, nothing of it is kept.
      const lost = await rejectionOf<{ code: string }>(
        add('lost', [], (tx) => tx.manager.query('DEALLOCATE ALL')),
      );
      expect(lost.code).toBe('26000');
      // Then every connection prepares what it lacks again.
      await Promise.all(Array.from({ length: 8 }, (_, i) => add(`again ${i}`)));
      expect(
        await db.query(`SELECT count(*)::int AS n FROM notes WHERE body IN ('lost', 'again 7')`),
      ).toEqual([{ n: 1 }]);
    });
  });
});
