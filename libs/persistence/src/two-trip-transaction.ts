import type { DataSource, EntityManager } from 'typeorm';

/** A statement with $n parameters. */
export interface Statement {
  sql: string;
  params: unknown[];
  /**
   * For a statement sent many times with the same text: PREPAREd under this name once per
   * connection, then sent as `EXECUTE name(...)`, so PostgreSQL parses and plans it once per
   * connection instead of every time (for a transition's statements, planning costs as much as
   * running them). Its parameters' types are inferred from the statement. One name, one text. The
   * session keeps it: no transaction-mode pooler may sit between the service and PostgreSQL.
   */
  prepared?: string;
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

/** A parameter as a literal: finite numbers as they are, strings and arrays of them escaped by the driver. */
function literal(client: SimpleQueryClient, value: unknown, n: number): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return client.escapeLiteral(arrayText(value));
  if (typeof value !== 'string') throw new Error(`parameter $${n} is neither text, a number nor an array`);
  return client.escapeLiteral(value);
}

/** `sql` with its $n parameters as literals (the caller casts where the type is not clear from the context). */
const inlined = (client: SimpleQueryClient, { sql, params }: Statement): string =>
  sql.replace(/\$(\d+)/g, (_, n: string) => literal(client, params[Number(n) - 1], Number(n)));

/**
 * The names each connection has PREPAREd. A prepared statement outlives the transaction it was made
 * in (PREPARE is not rolled back), so a name counts as prepared once sent. Should PostgreSQL answer
 * that one is missing or already there (something else on the connection ran DEALLOCATE or DISCARD,
 * say), the record is no longer to be trusted: the connection's next transaction starts over with
 * DEALLOCATE ALL and prepares what it needs again. Only that one transaction fails.
 */
const preparedOn = new WeakMap<SimpleQueryClient, Set<string> | 'unknown'>();
const PREPARED_STATEMENT_ERRORS = new Set(['26000', '42P05']); // does not exist, already exists

/** The statement as text to send: a prepared one as EXECUTE, preceded by its PREPARE on a new connection. */
function textOf(client: SimpleQueryClient, statement: Statement): string {
  const name = statement.prepared;
  if (!name) return inlined(client, statement);
  const known = preparedOn.get(client);
  const prepared = known instanceof Set ? known : new Set<string>();
  preparedOn.set(client, prepared);
  const args = statement.params.map((v, i) => literal(client, v, i + 1)).join(', ');
  const execute = `EXECUTE ${name}${args ? `(${args})` : ''}`;
  if (prepared.has(name)) return execute;
  prepared.add(name);
  return `${known === 'unknown' ? 'DEALLOCATE ALL; ' : ''}PREPARE ${name} AS ${statement.sql}; ${execute}`;
}

/** Distrusts the record of a connection's prepared statements after PostgreSQL contradicted it. */
function notePreparedError(client: SimpleQueryClient, error: unknown) {
  if (PREPARED_STATEMENT_ERRORS.has(String((error as { code?: string }).code)))
    preparedOn.set(client, 'unknown');
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
  const send = async <Rows>(sql: string) =>
    (await client.query(sql).catch((e: unknown) => {
      notePreparedError(client, e);
      throw e;
    })) as Array<{ rows: Rows[] }>;
  const end = async (sql: string) => {
    const results = await send<Row>(sql);
    open = false;
    markTransaction(runner, false);
    return results;
  };
  try {
    open = true;
    // The rows are as the statement selects them (like any query's): the caller names their shape.
    const results = await send<R>(`BEGIN; ${textOf(client, first)}`);
    const opened = results[results.length - 1];
    markTransaction(runner, true);
    const tx: PipelinedTransaction = {
      manager: runner.manager,
      commitWith: async (last) => {
        // The rows of the statement itself: after its PREPARE, if one went first, and before COMMIT.
        const results = await end(`${textOf(client, last)}; COMMIT`);
        return results[results.length - 2].rows;
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
