import { ParseUUIDPipe } from '@nestjs/common';
import { ApiProblem } from '../api/api-client';

/**
 * What the forms check before asking the API, in the reader's language: the shapes a phone gets
 * wrong. The API stays the authority (a NIK's region, a common password) and its refusals are shown
 * by field.
 */
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const PHONE = /^\+?[0-9][0-9 .-]{7,18}$/;
/** Identity's own minimum (its password policy); said here before the round trip. */
export const PASSWORD_MIN = 10;

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
