import { randomUUID } from 'node:crypto';
import { decodeCursor, encodeCursor } from './cursor';

const NEWEST_FIRST = ['timestamp', 'uuid'] as const;
const forged = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');

describe('keyset cursors', () => {
  it('gives back the key it encoded', () => {
    const key = [new Date().toISOString(), randomUUID()] as const;
    expect(decodeCursor(encodeCursor(NEWEST_FIRST, key), NEWEST_FIRST)).toEqual(key);
    expect(decodeCursor(undefined, NEWEST_FIRST)).toBeNull();
  });

  it('refuses, as a 400 naming `after`, a cursor whose parts do not fit the list it is sent to', () => {
    const id = randomUUID();
    for (const key of [
      ['not-a-date', id], // the review's forged cursor: a 500 from PostgreSQL before
      ['2026-02-30T00:00:00.000Z', id], // shaped like an instant, but no such day
      [1764000000000, id],
      ['', id], // empty only where a list allows it (tasks without a due date)
      [new Date().toISOString(), 'not-a-uuid'],
      [new Date().toISOString()],
      { at: new Date().toISOString(), id },
    ])
      expect(() => decodeCursor(forged(key), NEWEST_FIRST)).toThrow(
        expect.objectContaining({ status: 400, details: [{ path: '/after', message: expect.any(String) }] }),
      );
    expect(() => decodeCursor('%%%', NEWEST_FIRST)).toThrow(expect.objectContaining({ status: 400 }));
    expect(decodeCursor(forged(['', id]), ['timestamp-or-empty', 'uuid'] as const)).toEqual(['', id]);
  });
});
