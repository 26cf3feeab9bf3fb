/**
 * When a sign-in attempt may go ahead. Failures count per sign-in name and client, and per name
 * across clients, in windows of an hour, whether or not the name is anyone's (so the answers say
 * nothing about who has an account):
 * - a client that failed `maxAttempts` times for a name waits a minute, doubling with each further
 *   failure up to an hour; when the wait is over it has one more try;
 * - a name that failed `accountAlarm` times across clients in the window is under attack: clients
 *   that already failed for it wait for the window to end, but a client that has not failed still
 *   gets its tries, so nobody can keep the rightful owner out by guessing from elsewhere.
 */
export interface SignInPolicy {
  maxAttempts: number;
  accountAlarm: number;
}

export interface FailureCount {
  failures: number;
  windowStartedAt: Date;
  lockedUntil: Date | null;
}

export const WINDOW_MS = 3600_000;
const FIRST_LOCK_S = 60;
const LONGEST_LOCK_S = 3600;

/** The count as of `now`: a window that ended (with no lock running) starts again from zero. */
export function current<T extends FailureCount>(count: T, now: Date): T {
  const locked = !!count.lockedUntil && count.lockedUntil > now;
  if (locked || now.getTime() - count.windowStartedAt.getTime() < WINDOW_MS) return count;
  return { ...count, failures: 0, windowStartedAt: now, lockedUntil: null };
}

/** The wait a client has earned with `failures` failures: none below the limit, then 1 min doubling to 1 h. */
export function lockFor(failures: number, policy: SignInPolicy, now: Date): Date | null {
  if (failures < policy.maxAttempts) return null;
  const seconds = Math.min(FIRST_LOCK_S * 2 ** (failures - policy.maxAttempts), LONGEST_LOCK_S);
  return new Date(now.getTime() + seconds * 1000);
}

export type Gate = { go: true } | { go: false; until: Date; lock: Date | null };

/** Whether this attempt may go ahead; if not, until when, and the lock to record (if a new one). */
export function gate(client: FailureCount, across: FailureCount, policy: SignInPolicy, now: Date): Gate {
  if (client.lockedUntil && client.lockedUntil > now)
    return { go: false, until: client.lockedUntil, lock: null };
  // At the limit with no wait served yet (attempts raced past it): the wait starts now.
  const lock = client.lockedUntil ? null : lockFor(client.failures, policy, now);
  if (lock) return { go: false, until: lock, lock };
  if (across.failures >= policy.accountAlarm && client.failures > 0)
    return { go: false, until: new Date(across.windowStartedAt.getTime() + WINDOW_MS), lock: null };
  return { go: true };
}
