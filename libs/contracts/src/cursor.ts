import { AppError } from './app-error';

/** Keyset pagination cursors: the sort key of the last row, opaque to clients. */
export function encodeCursor(key: Array<string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): Array<string | number> | null {
  if (!cursor) return null;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(key) &&
      key.length === arity &&
      key.every((k) => typeof k === 'string' || typeof k === 'number')
    )
      return key;
  } catch {
    /* fall through */
  }
  throw AppError.invalid('/after', 'is not a cursor from a previous page');
}
