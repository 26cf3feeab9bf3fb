import { ParseUUIDPipe } from '@nestjs/common';
import { ApiProblem } from '../api/api-client';

/**
 * What the forms check before asking the API, in the reader's language: the shapes a phone gets
 * wrong. The API stays the authority (a NIK's region, a common password) and its refusals are shown
 * by field.
 */
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * A phone number as people write it in Indonesia (0812-3456-7890, 62812…, +62 812…) in the one form
 * the API takes (E.164: +62812…); null when it is no Indonesian mobile number.
 */
export function phoneE164(typed: string): string | null {
  const digits = typed.replace(/[\s().-]/g, '');
  const national = /^(?:\+62|62|0)(8\d{7,12})$/.exec(digits)?.[1];
  return national ? `+62${national}` : null;
}
/** Identity's own minimum (its password policy); said here before the round trip. */
export const PASSWORD_MIN = 10;

/** A v4 UUID, as a form's hidden field carries one. */
export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** An id in a page's path (applications, members): a v4 UUID, or 400 before anything is asked. */
export const uuidPath = new ParseUUIDPipe({ version: '4' });

/**
 * The API's refusal of what a form sent, for the form to show by field; anything else (it is down,
 * a rate limit, a bug) goes on to the error page.
 */
export function formRefusal(e: unknown): ApiProblem {
  if (!(e instanceof ApiProblem) || e.status >= 500 || e.status === 429) throw e;
  return e;
}
