import type { Request } from 'express';
import { ApiProblem } from '../api/api-client';
import { langOf, translate } from '../i18n/catalogue';
import type { SignedInPerson } from '../sessions/session-middleware';

/** The API's answers to a task form that lost to someone else's act: told as a conflict, in words. */
export const TASK_CONFLICTS = ['TASK_TAKEN', 'TASK_CLOSED', 'NOT_CLAIMED_BY_YOU'];

/**
 * Whether the officer supervises their own agency (their own seat, not an acting one): the team
 * board they may read is their agency's, and only its officers are offered for a reassignment.
 */
export const supervisesOwnAgency = (req: Request): boolean =>
  !!req.session.person?.seats?.[0]?.roles.includes('supervisor');

/** The desk's pages are for officers (the one signed in is answered): anyone else gets 403 in their language. */
export function requireOfficer(req: Request): SignedInPerson {
  const person = req.session.person;
  if (person?.kind !== 'staff')
    throw new ApiProblem(403, 'FORBIDDEN', translate(langOf(req), 'desk.officersOnly'));
  return person;
}
