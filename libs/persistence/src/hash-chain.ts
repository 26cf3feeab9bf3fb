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

/** A head of a chain: its length and its last hash (GENESIS_HASH when empty). */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** A history entry before it is chained. */
export interface UnchainedEntry {
  type: string;
  actor: unknown;
  data: unknown;
}

/**
 * Entries chained onto an owner's head, ready to insert (occurredAt now, ISO), and the head they
 * leave. The caller holds the owner row's lock, so the head it read is still the head when it writes.
 */
export function chainEntries<E extends UnchainedEntry>(
  ownerId: string,
  from: ChainHead,
  entries: readonly E[],
): { entries: Array<E & ChainedFields & { hash: string }>; head: ChainHead } {
  let seq = from.seq;
  let hash = from.hash;
  const chained = entries.map((e) => {
    const fields: ChainedFields = {
      dossierId: ownerId,
      seq: ++seq,
      type: e.type,
      occurredAt: new Date().toISOString(),
      actor: e.actor,
      data: e.data,
      prevHash: hash,
    };
    hash = entryHash(fields);
    return { ...e, ...fields, hash };
  });
  return { entries: chained, head: { seq, hash } };
}

/** What a chain's verification found: how long it is, its head, and the first entry that fails. */
export interface ChainCheck {
  entries: number;
  headHash: string;
  firstBroken: ChainBreak | null;
}

/**
 * Recomputes a stored chain and holds it to the head its owner row records, so an entry deleted
 * from the end (which leaves the rest intact) is found too.
 */
export function checkChain(entries: Array<ChainedFields & { hash: string }>, head: ChainHead): ChainCheck {
  const firstBroken =
    verifyChain(entries) ??
    (entries.length !== head.seq || (entries.at(-1)?.hash ?? GENESIS_HASH) !== head.hash
      ? { seq: entries.length + 1, reason: 'missing-entry' as const }
      : null);
  return { entries: entries.length, headHash: head.hash, firstBroken };
}
