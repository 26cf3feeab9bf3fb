import { randomBytes } from 'node:crypto';
import { checkSymbol, generateTrackingNumber, parseTrackingNumber, withDammCheck } from './tracking-number';

const SYMBOLS = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

describe('tracking numbers', () => {
  it('have the documented shape and carry region and year', () => {
    const tn = generateTrackingNumber('3271', 2026);
    expect(tn.formatted).toMatch(/^3271-26-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]$/);
    expect(parseTrackingNumber(tn.formatted)).toEqual({ ok: true, value: tn });
  });

  it('carry 40 random bits: a thousand numbers do not repeat', () => {
    const seen = new Set(Array.from({ length: 1000 }, () => generateTrackingNumber('3271', 2026).formatted));
    expect(seen.size).toBe(1000);
    // All 40 bits reach the number: the smallest and largest serials differ in every position.
    expect(generateTrackingNumber('3271', 2026, Buffer.alloc(5, 0)).formatted.slice(8, 17)).toBe('0000-0000');
    expect(generateTrackingNumber('3271', 2026, Buffer.alloc(5, 255)).formatted.slice(8, 17)).toBe(
      'ZZZZ-ZZZZ',
    );
  });

  it('are read forgivingly: case, spaces, missing hyphens and look-alike letters', () => {
    const tn = generateTrackingNumber('3271', 2026, Buffer.from([0x00, 0x10, 0x20, 0x30, 0x40])).formatted;
    const sloppy = tn.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l');
    expect(parseTrackingNumber(sloppy)).toMatchObject({ ok: true, value: { formatted: tn } });
    expect(parseTrackingNumber(tn.replace(/-/g, ''))).toMatchObject({ ok: true });
    expect(parseTrackingNumber('3271-26-ABC')).toEqual({ ok: false, reason: 'format' });
    expect(parseTrackingNumber('')).toEqual({ ok: false, reason: 'format' });
  });

  it('reject every single-character change and every swap of neighbours', () => {
    const accepted: string[] = [];
    for (let round = 0; round < 100; round++) {
      const tn = generateTrackingNumber(
        String(1100 + (round % 8800)).padStart(4, '0'),
        2000 + (round % 100),
        randomBytes(5),
      );
      const chars = tn.formatted.replace(/-/g, '').split('');
      for (let i = 0; i < chars.length; i++) {
        for (const c of SYMBOLS) {
          if (c === chars[i]) continue;
          const changed = [...chars];
          changed[i] = c;
          if (parseTrackingNumber(changed.join('')).ok) accepted.push(changed.join(''));
        }
        if (i + 1 < chars.length && chars[i] !== chars[i + 1]) {
          const swapped = [...chars];
          [swapped[i], swapped[i + 1]] = [swapped[i + 1], swapped[i]];
          if (parseTrackingNumber(swapped.join('')).ok) accepted.push(swapped.join(''));
        }
      }
    }
    expect(accepted).toEqual([]);
  });

  it('end in a letter or digit of the same alphabet, every one of the 32 in use', () => {
    const checks = new Set<string>();
    for (let i = 0; i < 2000 && checks.size < 32; i++)
      checks.add(generateTrackingNumber('3271', 2026).formatted.slice(-1));
    expect([...checks].sort().join('')).toBe(SYMBOLS);
  });

  it('computes Damm check symbols over GF(32): worked examples', () => {
    // 0∘0 = 0, so an all-zero body checks with 0; "1" leaves 1, and 2·1 = 2 brings it back to 0.
    expect(checkSymbol('00000000000000')).toBe('0');
    expect(checkSymbol('1')).toBe('2');
    // 2·16 wraps around x⁵ + x² + 1: 16 → 5.
    expect(checkSymbol('G')).toBe('5');
    expect(checkSymbol('3271267K4QX9M2')).toBe('D'); // the example printed in the docs
  });

  it('reissues a number made before the Damm check with the same body', () => {
    for (const old of ['3271-26-7V3E-NX55-1', '3271-26-HTBB-YA1B-U', '3271-26-0000-0001-*']) {
      const reissued = withDammCheck(old);
      expect(reissued.slice(0, 18)).toBe(old.slice(0, 18));
      expect(parseTrackingNumber(reissued)).toMatchObject({ ok: true, value: { formatted: reissued } });
    }
    const current = generateTrackingNumber('3271', 2026).formatted;
    expect(withDammCheck(current)).toBe(current);
  });
});
