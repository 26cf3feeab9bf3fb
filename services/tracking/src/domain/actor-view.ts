import type { Actor } from '@berkas/contracts';

/**
 * An actor as replies show it. Actors recorded before the agency's code was named `agencyCode` (an
 * `agency` field is always an agency object now) keep their old shape where they are stored: the
 * history's hash chain covers them as written, so they are renamed on the way out, never rewritten.
 */
export function actorView(stored: Actor & { agency?: string }): Actor {
  const { agency, ...actor } = stored;
  return agency && !actor.agencyCode ? { ...actor, agencyCode: agency } : actor;
}
