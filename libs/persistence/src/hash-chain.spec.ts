import { canonicalJson, entryHash, GENESIS_HASH, verifyChain, type ChainedFields } from './hash-chain';

function chain(n: number) {
  const entries: Array<ChainedFields & { hash: string }> = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const fields = {
      dossierId: 'd1',
      seq,
      type: 'note',
      occurredAt: `2026-11-23T10:0${seq}:00.000Z`,
      actor: { id: 'a' },
      data: { n: seq },
      prevHash: prev,
    };
    const hash = entryHash(fields);
    entries.push({ ...fields, hash });
    prev = hash;
  }
  return entries;
}

describe('history chain', () => {
  it('hashes the same content the same way whatever the key order', () => {
    expect(canonicalJson({ b: [1, { y: 2, x: null }], a: 'ü' })).toBe('{"a":"ü","b":[1,{"x":null,"y":2}]}');
  });

  it('verifies an intact chain and names the first altered, unlinked or missing entry', () => {
    expect(verifyChain(chain(5))).toBeNull();
    const altered = chain(5);
    altered[2] = { ...altered[2], data: { n: 99 } };
    expect(verifyChain(altered)).toEqual({ seq: 3, reason: 'hash-mismatch' });
    const rehashed = chain(5);
    rehashed[2] = { ...rehashed[2], data: { n: 99 } };
    rehashed[2].hash = entryHash(rehashed[2]); // a forger recomputes this entry's hash…
    expect(verifyChain(rehashed)).toEqual({ seq: 4, reason: 'broken-link' }); // …and the next link breaks
    const gap = chain(5);
    gap.splice(1, 1);
    expect(verifyChain(gap)).toEqual({ seq: 2, reason: 'missing-entry' });
  });
});
