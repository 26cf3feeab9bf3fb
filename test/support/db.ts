import { Client } from 'pg';
import { TEST_INFRA } from '@berkas/testing';

/** Runs one query on a service's database of the running test system, on a connection of its own. */
export async function queryDatabase<T>(database: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: `${TEST_INFRA.databaseUrl}/${database}` });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Row counts of `tables` in one database, in one query, keyed `<prefix>.<table>`. */
export async function countRows(database: string, tables: readonly string[], prefix: string) {
  const rows = await queryDatabase<{ name: string; n: number }>(
    database,
    tables.map((t) => `SELECT '${t}' AS name, count(*)::int AS n FROM "${t}"`).join(' UNION ALL '),
  );
  return Object.fromEntries(rows.map((r) => [`${prefix}.${r.name}`, r.n]));
}
