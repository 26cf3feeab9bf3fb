import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

/** Wrong tries a code survives: six digits are not guessed in five. */
export const MAX_CODE_TRIES = 5;

/**
 * No answer about an address comes sooner than this: how long the work took says nothing about
 * whether the address has an account.
 */
const ANSWER_FLOOR_MS = 200;

/** Waits out what is left of ANSWER_FLOOR_MS since `started`. */
export const answerFloor = (started: number): Promise<void> =>
  new Promise((r) => setTimeout(r, Math.max(0, started + ANSWER_FLOOR_MS - Date.now())));

/** Six digits, uniformly drawn: short enough to type from an SMS. */
export const newCode = (): string => String(randomInt(0, 1_000_000)).padStart(6, '0');

/** The code as kept: keyed by the registration it belongs to, so equal codes never look equal. */
export const codeHash = (code: string, registrationId: string): Buffer =>
  createHmac('sha256', registrationId).update(code).digest();

export const codeMatches = (code: string, registrationId: string, hash: Buffer): boolean =>
  timingSafeEqual(codeHash(code, registrationId), hash);

/** Where a code went, for its reader to recognise and nobody else to learn: si***@warga.example.id, +62812****7890. */
export function masked(login: string): string {
  if (login.includes('@')) {
    const [user, domain] = login.split('@');
    return `${user.slice(0, 2)}***@${domain}`;
  }
  return `${login.slice(0, 6)}****${login.slice(-4)}`;
}
