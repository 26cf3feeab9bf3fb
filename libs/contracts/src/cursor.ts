import { AppError } from './app-error';

/**
 * Keyset pagination cursors: the sort key of a page's last row, opaque to clients. Each list
 * declares the shape of its key, and a cursor is decoded against that shape, so a forged one whose
 * parts have the wrong type is a 400 here and never reaches SQL (where a wrong date was a 500).
 */
export type CursorPart = 'text' | 'uuid' | 'timestamp' | 'timestamp-or-empty';

type PartValue<P extends CursorPart> = P extends CursorPart ? string : never;
export type CursorKey<S extends readonly CursorPart[]> = { [I in keyof S]: PartValue<S[I]> };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
/** Exactly what Date#toISOString writes, and a real instant (no 30 February). */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const isInstant = (v: string) => ISO_INSTANT.test(v) && new Date(v).toISOString() === v;

const VALID: Record<CursorPart, (v: unknown) => boolean> = {
  text: (v) => typeof v === 'string' && v.length <= 300,
  uuid: (v) => typeof v === 'string' && UUID.test(v),
  timestamp: (v) => typeof v === 'string' && isInstant(v),
  'timestamp-or-empty': (v) => typeof v === 'string' && (v === '' || isInstant(v)),
};

export function encodeCursor<S extends readonly CursorPart[]>(_shape: S, key: CursorKey<S>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The key of `cursor` in `shape`, or null without one; a 400 naming `after` when it does not fit. */
export function decodeCursor<S extends readonly CursorPart[]>(
  cursor: string | undefined,
  shape: S,
): CursorKey<S> | null {
  if (!cursor) return null;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = null;
  }
  if (Array.isArray(key) && key.length === shape.length && shape.every((part, i) => VALID[part](key[i])))
    return key as CursorKey<S>;
  throw AppError.invalid('/after', 'is not a cursor from a previous page');
}
