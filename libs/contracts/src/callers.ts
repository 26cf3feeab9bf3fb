import type { Principal, ServiceName } from './generated';
import { REQUESTS, type RequestSubject } from './generated';

/**
 * Who is calling, as the receiving service has verified it: a person (their access token), a named
 * Berkas service acting on its own (a service token identity signed for the receiver), or nobody
 * known. A missing or invalid credential is anonymous, never a service.
 */
export type Caller =
  { kind: 'user'; principal: Principal } | { kind: 'service'; service: ServiceName } | { kind: 'anonymous' };

/** Who may call a subject, as proto/ declares it next to its contract. */
export interface CallerDeclaration {
  anonymous?: true;
  /** applicant, staff, or a staff role (held by position or, while it runs, as acting official). */
  users?: readonly string[];
  services?: readonly ServiceName[];
  /** Only this service's NATS user may publish the subject (its own credentials); NATS enforces it. */
  natsUser?: ServiceName;
}

export const callersOf = (subject: RequestSubject): CallerDeclaration =>
  REQUESTS[subject].callers as CallerDeclaration;

/**
 * Whether `caller` may call a subject declared with `declared`: 'ok', or the status to refuse with
 * (401: nobody known where someone must be; 403: someone known, but not one of those declared).
 */
export function callerAllowed(
  declared: CallerDeclaration,
  caller: Caller,
  now = new Date(),
): 'ok' | 401 | 403 {
  if (declared.anonymous || declared.natsUser) return 'ok';
  if (caller.kind === 'anonymous') return 401;
  if (caller.kind === 'service') return declared.services?.includes(caller.service) ? 'ok' : 403;
  const p = caller.principal;
  const users = declared.users ?? [];
  if (users.includes(p.kind)) return 'ok';
  if (p.kind !== 'staff') return 403;
  const delegated = (p.acting ?? []).filter((a) => new Date(a.until) > now).flatMap((a) => a.roles);
  const held = [...(p.roles ?? []), ...delegated.filter((r) => r !== 'system-admin')];
  return held.some((r) => users.includes(r)) ? 'ok' : 403;
}
