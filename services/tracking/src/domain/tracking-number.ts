import { randomBytes } from 'node:crypto';

/**
 * Tracking numbers: `RRRR-YY-XXXX-XXXX-C`. RRRR is the issuing region's BPS code, YY the year, the
 * eight X are 40 random bits in Crockford base32 (no I, L, O, U: nothing to misread over the phone),
 * and C is Crockford's check symbol: the whole number read as base-32 digits, modulo 37. Because 37 is
 * prime and larger than every digit difference, any single wrong character and any swap of two
 * neighbours changes the remainder, so the check catches them.
 */

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Check symbols 32-36 are extra characters that never appear in the body. */
const CHECK_SYMBOLS = `${ALPHABET}*~$=U`;
const VALUE = new Map([...ALPHABET].map((c, i) => [c, i]));

export interface TrackingNumber {
  regionCode: string;
  year: number;
  /** The canonical printed form, e.g. `3271-26-7K4Q-X9M2-H`. */
  formatted: string;
}

export type ParseResult = { ok: true; value: TrackingNumber } | { ok: false; reason: 'format' | 'check' };

export function checkSymbol(body: string): string {
  let remainder = 0n;
  for (const c of body) remainder = (remainder * 32n + BigInt(VALUE.get(c) ?? 0)) % 37n;
  return CHECK_SYMBOLS[Number(remainder)];
}

function format(body: string, check: string): string {
  return `${body.slice(0, 4)}-${body.slice(4, 6)}-${body.slice(6, 10)}-${body.slice(10, 14)}-${check}`;
}

/** A new number for a region and year; 40 bits of randomness, so numbers cannot be guessed in turn. */
export function generateTrackingNumber(
  regionCode: string,
  year: number,
  random: Buffer = randomBytes(5),
): TrackingNumber {
  if (!/^\d{4}$/.test(regionCode)) throw new Error(`bad region code ${regionCode}`);
  let bits = 0n;
  for (const byte of random.subarray(0, 5)) bits = (bits << 8n) | BigInt(byte);
  let serial = '';
  for (let i = 0; i < 8; i++) serial = ALPHABET[Number((bits >> BigInt(5 * i)) & 31n)] + serial;
  const body = `${regionCode}${String(year % 100).padStart(2, '0')}${serial}`;
  return { regionCode, year: 2000 + (year % 100), formatted: format(body, checkSymbol(body)) };
}

/**
 * Reads what a person typed: any case, spaces or hyphens anywhere, and the look-alikes Crockford
 * allows (O for 0, I and L for 1). A number of the wrong shape is 'format'; a mistyped one 'check'.
 */
export function parseTrackingNumber(input: string): ParseResult {
  const compact = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (!/^\d{6}[0-9A-HJKMNP-TV-Z]{8}[0-9A-HJKMNP-TV-Z*~$=U]$/.test(compact))
    return { ok: false, reason: 'format' };
  const body = compact.slice(0, 14);
  const check = compact[14];
  if (checkSymbol(body) !== check) return { ok: false, reason: 'check' };
  return {
    ok: true,
    value: {
      regionCode: body.slice(0, 4),
      year: 2000 + Number(body.slice(4, 6)),
      formatted: format(body, check),
    },
  };
}
