/** A few of the passwords every breach list starts with; the length rule does most of the work. */
const COMMON = new Set([
  'password123',
  'password1234',
  '1234567890',
  '12345678910',
  'qwertyuiop',
  'iloveyou123',
  'indonesia123',
  'bismillah123',
  'administrator',
  'passw0rd123',
]);

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

/**
 * NIST SP 800-63B style: long enough, not absurdly long (hashing cost), not a known-common password,
 * not the user's own sign-in name. No composition rules. Returns the reason, or null when acceptable.
 */
export function passwordProblem(password: string, names: string[] = []): string | null {
  if (password.length < PASSWORD_MIN) return `must be at least ${PASSWORD_MIN} characters`;
  if (password.length > PASSWORD_MAX) return `must be at most ${PASSWORD_MAX} characters`;
  const lower = password.toLowerCase();
  if (COMMON.has(lower) || /^(.)\1+$/.test(password)) return 'is too common; choose another';
  if (names.some((n) => n && lower.includes(n.toLowerCase().split('@')[0]) && n.length >= 4)) {
    return 'must not contain your email, phone or NIP';
  }
  return null;
}
