import { createHash } from 'node:crypto';

/**
 * Canonical JSON (RFC 8785 style for the values history holds: strings, integers, booleans, null,
 * arrays and objects): keys sorted, no whitespace, so the same entry always hashes the same way.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('non-finite number in history');
    return JSON.stringify(value ?? null);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The first link of every dossier's chain points at this. */
export const GENESIS_HASH = '0'.repeat(64);

/** What a history entry's hash covers: everything recorded about it, and the hash before it. */
export interface ChainedFields {
  dossierId: string;
  seq: number;
  type: string;
  occurredAt: string;
  actor: unknown;
  data: unknown;
  prevHash: string;
}

export function entryHash({
  dossierId,
  seq,
  type,
  occurredAt,
  actor,
  data,
  prevHash,
}: ChainedFields): string {
  return sha256Hex(canonicalJson({ dossierId, seq, type, occurredAt, actor, data, prevHash }));
}

export interface ChainBreak {
  seq: number;
  reason: 'hash-mismatch' | 'broken-link' | 'missing-entry';
}

/** Recomputes a chain in order and names the first entry that does not hold. */
export function verifyChain(entries: Array<ChainedFields & { hash: string }>): ChainBreak | null {
  let prev = GENESIS_HASH;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (e.seq !== i + 1) return { seq: i + 1, reason: 'missing-entry' };
    if (e.prevHash !== prev) return { seq: e.seq, reason: 'broken-link' };
    if (entryHash(e) !== e.hash) return { seq: e.seq, reason: 'hash-mismatch' };
    prev = e.hash;
  }
  return null;
}

/**
 * SQL that makes a table append-only where a bug in a service cannot get around it: UPDATE, DELETE
 * and TRUNCATE raise an error. For migrations of history tables.
 */
export function appendOnlySql(table: string): string[] {
  if (!/^[a-z_]+$/.test(table)) throw new Error(`bad table name ${table}`);
  return [
    `CREATE OR REPLACE FUNCTION history_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       RAISE EXCEPTION 'history is append-only: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
     END $$`,
    `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION history_is_append_only()`,
    `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION history_is_append_only()`,
  ];
}

/** Where a chain lives: its rows, and the row holding its length and head so appends need no scan. */
export interface ChainTables {
  /** e.g. `history`; has columns <key>, seq, type, occurred_at, actor, data, prev_hash, hash. */
  history: string;
  /** Name of the key column in `history`, e.g. `dossier_id`. */
  key: string;
  /** e.g. `dossiers`; has columns id, history_seq, history_head. */
  owner: string;
}

export interface AppendedEntry {
  seq: number;
  hash: string;
  occurredAt: Date;
}

/**
 * Appends one entry to an owner's chain inside the caller's transaction. The owner row is locked
 * here (FOR UPDATE), so concurrent appends queue instead of forking the chain. `extra` fills further
 * columns of the history table that the hash does not cover (display data such as public labels).
 */
export async function appendToChain(
  m: { query(sql: string, params?: unknown[]): Promise<unknown> },
  tables: ChainTables,
  ownerId: string,
  entry: { type: string; actor: unknown; data: unknown },
  extra: Record<string, unknown> = {},
): Promise<AppendedEntry> {
  const [head] = (await m.query(
    `SELECT history_seq, history_head FROM ${tables.owner} WHERE id = $1 FOR UPDATE`,
    [ownerId],
  )) as Array<{
    history_seq: number;
    history_head: string;
  }>;
  if (!head) throw new Error(`${tables.owner} ${ownerId} does not exist`);
  const occurredAt = new Date();
  const fields: ChainedFields = {
    dossierId: ownerId,
    seq: head.history_seq + 1,
    type: entry.type,
    occurredAt: occurredAt.toISOString(),
    actor: entry.actor,
    data: entry.data,
    prevHash: head.history_head,
  };
  const hash = entryHash(fields);
  const extraColumns = Object.keys(extra);
  if (extraColumns.some((c) => !/^[a-z_]+$/.test(c))) throw new Error('bad column name');
  await m.query(
    `INSERT INTO ${tables.history} (${tables.key}, seq, type, occurred_at, actor, data, prev_hash, hash${extraColumns.map((c) => `, ${c}`).join('')})
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8${extraColumns.map((_, i) => `, $${9 + i}`).join('')})`,
    [
      ownerId,
      fields.seq,
      entry.type,
      occurredAt,
      JSON.stringify(entry.actor),
      JSON.stringify(entry.data),
      fields.prevHash,
      hash,
      ...extraColumns.map((c) =>
        extra[c] === null || extra[c] === undefined ? null : JSON.stringify(extra[c]),
      ),
    ],
  );
  await m.query(`UPDATE ${tables.owner} SET history_seq = $2, history_head = $3 WHERE id = $1`, [
    ownerId,
    fields.seq,
    hash,
  ]);
  return { seq: fields.seq, hash, occurredAt };
}
