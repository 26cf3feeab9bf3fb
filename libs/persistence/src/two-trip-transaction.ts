import type { DataSource, EntityManager } from 'typeorm';

/** A statement with $n parameters. */
export interface Statement {
  sql: string;
  params: unknown[];
}

export type Row = Record<string, unknown>;

/** What of node-postgres' client this uses: several statements at once, and its literal escaping. */
interface SimpleQueryClient {
  query(sql: string): Promise<unknown>;
  escapeLiteral(value: string): string;
}

/** A transaction begun by `twoTripTransaction`. */
export interface PipelinedTransaction {
  /** For the reads and writes between the first and the last statement (TypeORM sees a transaction). */
  manager: EntityManager;
  /** Sends the last statement and COMMIT together; its rows. */
  commitWith(last: Statement): Promise<Row[]>;
  /** Rolls back now; nothing of the transaction is kept. */
  rollback(): Promise<void>;
}

/** An array parameter as PostgreSQL's array literal text, each element quoted. */
const arrayText = (values: unknown[]) =>
  `{${values.map((v) => `"${String(v).replace(/(["\\])/g, '\\$1')}"`).join(',')}}`;

/**
 * `sql` with its $n parameters as literals: finite numbers as they are, strings and arrays of them
 * escaped by the driver (the caller casts where the type is not clear from the context).
 */
function inlined(client: SimpleQueryClient, { sql, params }: Statement): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    const value = params[Number(n) - 1];
    if (value === null || value === undefined) return 'NULL';
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (Array.isArray(value)) return client.escapeLiteral(arrayText(value));
    if (typeof value !== 'string') throw new Error(`parameter $${n} is neither text, a number nor an array`);
    return client.escapeLiteral(value);
  });
}

/** TypeORM's own record of an open transaction, so that work on `manager` joins it. */
const markTransaction = (runner: object, active: boolean) =>
  Object.assign(runner, { isTransactionActive: active, transactionDepth: active ? 1 : 0 });

/**
 * A transaction in two round trips fewer than its statements: BEGIN travels with its first
 * statement and COMMIT with its last (`commitWith`; if `work` does not call it, COMMIT goes alone).
 * The same locks and the same all-or-nothing as any transaction: only the envelope is merged. For
 * the hottest writes, where each round trip is a large share of the cost (BENCHMARKS.md, workflow
 * transitions). Several statements at once need PostgreSQL's simple query protocol, which takes no
 * parameters, so the merged statements' parameters are inlined as literals escaped by the driver.
 * `work` gets the first statement's rows; if it throws, the transaction rolls back.
 */
export async function twoTripTransaction<T, R extends object = Row>(
  dataSource: DataSource,
  first: Statement,
  work: (rows: R[], tx: PipelinedTransaction) => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  const client = (await runner.connect()) as SimpleQueryClient;
  let open = false;
  const end = async (sql: string) => {
    const results = (await client.query(sql)) as Array<{ rows: Row[] }>;
    open = false;
    markTransaction(runner, false);
    return results;
  };
  try {
    open = true;
    // The rows are as the statement selects them (like any query's): the caller names their shape.
    const [, opened] = (await client.query(`BEGIN; ${inlined(client, first)}`)) as [unknown, { rows: R[] }];
    markTransaction(runner, true);
    const tx: PipelinedTransaction = {
      manager: runner.manager,
      commitWith: async (last) => {
        const [written] = await end(`${inlined(client, last)}; COMMIT`);
        return written.rows;
      },
      rollback: async () => {
        await end('ROLLBACK');
      },
    };
    const result = await work(opened.rows, tx);
    if (open) await end('COMMIT');
    return result;
  } catch (e) {
    // Back to the pool clean (or, if the connection broke, discarded by pg on release).
    if (open) await end('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    markTransaction(runner, false);
    await runner.release();
  }
}
