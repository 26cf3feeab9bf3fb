/** Emails compare case-insensitively; they are stored lower-cased and trimmed. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Indonesian phone numbers in one form, +62 followed by 8-13 digits: `0812-3456-7890`, `62812…` and
 * `+62 812…` are the same number. Null when it is not one.
 */
export function normalizePhone(phone: string): string | null {
  const digits = phone.replace(/[\s().-]/g, '');
  const national =
    /^\+62(\d+)$/.exec(digits)?.[1] ?? /^62(\d+)$/.exec(digits)?.[1] ?? /^0(\d+)$/.exec(digits)?.[1];
  if (!national || !/^[1-9]\d{7,12}$/.test(national)) return null;
  return `+62${national}`;
}

/** What a sign-in name is: an 18-digit NIP, a phone number, or an email. */
export function loginNameOf(username: string): string | null {
  const trimmed = username.trim();
  if (/^[\d\s.-]{18,26}$/.test(trimmed) && trimmed.replace(/[\s.-]/g, '').length === 18)
    return trimmed.replace(/[\s.-]/g, '');
  if (trimmed.includes('@')) return normalizeEmail(trimmed);
  return normalizePhone(trimmed);
}
