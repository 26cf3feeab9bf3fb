import { randomBytes } from 'node:crypto';

/**
 * Tracking numbers: `RRRR-YY-XXXX-XXXX-C`. RRRR is the issuing region's BPS code, YY the year, the
 * eight X are 40 random bits in Crockford base32 (no I, L, O, U: nothing to misread over the phone),
 * and C is a Damm check symbol in the same alphabet, so a number is letters and digits only (easy to
 * say, to text, to put in a URL).
 *
 * The Damm check runs the characters through the quasigroup x∘y = 2x + y over GF(32) (polynomial
 * x⁵ + x² + 1) and picks C so the result is 0. Every row and column of a quasigroup is a permutation,
 * so one wrong character always changes the result; and (c∘x)∘y = (c∘y)∘x only when x = y (since
 * 4c + 2x + y = 4c + 2y + x ⇔ 3(x − y) = 0 ⇔ x = y), so a swap of two different neighbours does too.
 */

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const VALUE = new Map([...ALPHABET].map((c, i) => [c, i]));
const CHAR = '[0-9A-HJKMNP-TV-Z]';
const SHAPE = new RegExp(`^\\d{6}${CHAR}{9}$`);

/** Multiplication by 2 (the element x) in GF(2⁵) modulo x⁵ + x² + 1. */
const double = (v: number) => ((v << 1) & 31) ^ (v & 16 ? 0b00101 : 0);
/** The Damm quasigroup: 2x + y, where + in GF(2⁵) is exclusive or. */
const combine = (interim: number, digit: number) => double(interim) ^ digit;
const dammOf = (chars: string) => [...chars].reduce((interim, c) => combine(interim, VALUE.get(c) ?? 0), 0);

export interface IssuedTrackingNumber {
  regionCode: string;
  year: number;
  /** The canonical printed form, e.g. `3271-26-7K4Q-X9M2-D`. */
  formatted: string;
}

export type TrackingNumberParse =
  { ok: true; value: IssuedTrackingNumber } | { ok: false; reason: 'format' | 'check' };

/** The symbol that brings the body's Damm result to 0: 2·interim + C = 0, so C = 2·interim. */
export function checkSymbol(body: string): string {
  return ALPHABET[double(dammOf(body))];
}

function format(body: string, check: string): string {
  return `${body.slice(0, 4)}-${body.slice(4, 6)}-${body.slice(6, 10)}-${body.slice(10, 14)}-${check}`;
}

/** A new number for a region and year; 40 bits of randomness, so numbers cannot be guessed in turn. */
export function generateTrackingNumber(
  regionCode: string,
  year: number,
  random: Buffer = randomBytes(5),
): IssuedTrackingNumber {
  if (!/^\d{4}$/.test(regionCode)) throw new Error(`bad region code ${regionCode}`);
  let bits = 0n;
  for (const byte of random.subarray(0, 5)) bits = (bits << 8n) | BigInt(byte);
  let serial = '';
  for (let i = 0; i < 8; i++) serial = ALPHABET[Number((bits >> BigInt(5 * i)) & 31n)] + serial;
  const body = `${regionCode}${String(year % 100).padStart(2, '0')}${serial}`;
  return { regionCode, year: 2000 + (year % 100), formatted: format(body, checkSymbol(body)) };
}

/**
 * A number made before the Damm check (its last symbol was one of 37, `*~$=U` among them) with the
 * same body and its Damm symbol: the migrations reissue the few such numbers of development data.
 */
export function withDammCheck(formatted: string): string {
  const prefix = formatted.slice(0, 18); // RRRR-YY-XXXX-XXXX-
  return `${prefix}${checkSymbol(prefix.replace(/-/g, ''))}`;
}

/**
 * Reads what a person typed: any case, spaces or hyphens anywhere, and the look-alikes Crockford
 * allows (O for 0, I and L for 1). A number of the wrong shape is 'format'; a mistyped one 'check'.
 */
export function parseTrackingNumber(input: string): TrackingNumberParse {
  const compact = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (!SHAPE.test(compact)) return { ok: false, reason: 'format' };
  if (dammOf(compact) !== 0) return { ok: false, reason: 'check' };
  const body = compact.slice(0, 14);
  const check = compact[14];
  return {
    ok: true,
    value: {
      regionCode: body.slice(0, 4),
      year: 2000 + Number(body.slice(4, 6)),
      formatted: format(body, check),
    },
  };
}
