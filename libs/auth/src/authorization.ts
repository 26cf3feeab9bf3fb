import {
  AppError,
  ENUMS,
  type ActingRole,
  type Actor,
  type Principal,
  type ServiceName,
  type StaffRole,
} from '@berkas/contracts';
import { RequestContext } from '@berkas/observability';

/** In which capacity a principal may act: their own position, or as acting official for someone. */
export type Capacity = { via: 'position' } | { via: 'delegation'; acting: ActingRole };

export const isSystemAdmin = (p: Principal | undefined): boolean => !!p?.roles?.includes('system-admin');

const ADMINISTRATIVE: StaffRole[] = ['agency-admin', 'system-admin'];
/** The roles of an agency's own officials: every staff role but the deployment's system-admin. */
export const OFFICER_ROLES = ENUMS.StaffRole.filter((r) => r !== 'system-admin');

/**
 * Whether `p` holds one of `roles`, in `agencyId` when given. Own roles count in the officer's own
 * agency; delegated roles in the holder's agency while the delegation runs. A system-admin may
 * administer any agency, but does not stand in for its officers: receiving a dossier, working a
 * task or revoking a permit are acts of the agency's own officials (separation of duties).
 */
export function capacityFor(
  p: Principal,
  roles: StaffRole[],
  agencyId?: string,
  now = new Date(),
): Capacity | null {
  if (p.kind === 'applicant') return null;
  if (isSystemAdmin(p) && roles.every((r) => ADMINISTRATIVE.includes(r))) return { via: 'position' };
  if ((!agencyId || agencyId === p.agencyId) && p.roles?.some((r) => roles.includes(r)))
    return { via: 'position' };
  // A delegation never carries system-admin (identity refuses to make one); should a token say
  // otherwise, that role is not honoured.
  const delegable: StaffRole[] = roles.filter((r) => r !== 'system-admin');
  const acting = p.acting?.find(
    (a) =>
      (!agencyId || a.agencyId === agencyId) &&
      new Date(a.until) > now &&
      a.roles.some((r) => delegable.includes(r)),
  );
  return acting ? { via: 'delegation', acting } : null;
}

/** Throws 401 without a principal, 403 without the role; answers the capacity otherwise. */
export function requireRole(p: Principal | undefined, roles: StaffRole[], agencyId?: string): Capacity {
  const principal = requirePrincipal(p);
  const capacity = capacityFor(principal, roles, agencyId);
  if (!capacity) {
    throw new AppError(
      'FORBIDDEN',
      403,
      `This needs the role ${roles.join(' or ')}${agencyId ? ' in that agency' : ''}`,
    );
  }
  return capacity;
}

export function requirePrincipal(p: Principal | undefined): Principal {
  if (!p) throw new AppError('UNAUTHENTICATED', 401, 'Sign in first');
  return p;
}

/** Officers see their own region only; system-admins and a Berkas service acting on its own see all. */
export function canSeeRegion(p: Principal | undefined, regionCode: string): boolean {
  if (!p) return !!currentService();
  if (isSystemAdmin(p)) return true;
  return p.kind === 'staff' && p.region === regionCode;
}

/** The verified person of the request being handled (HTTP or NATS); undefined for a service or nobody. */
export const currentPrincipal = (): Principal | undefined => RequestContext.current()?.principal;

/**
 * The Berkas service calling on its own, as its service token proved (NATS requests only); undefined
 * for a person or an anonymous caller. No credential never means a service.
 */
export const currentService = (): ServiceName | undefined => RequestContext.current()?.service;

/**
 * How an action is recorded: who acted and, when they acted as Plt/Plh, in whose position and agency;
 * or the service that acted on its own (its name). Nobody known may not act at all (401).
 */
export function actorOf(p: Principal | undefined, capacity?: Capacity | null): Actor {
  if (!p) {
    const service = currentService();
    if (!service) throw new AppError('UNAUTHENTICATED', 401, 'Sign in first');
    return { kind: 'service', id: service };
  }
  return {
    kind: p.kind,
    id: p.id,
    ...(p.name ? { name: p.name } : {}),
    ...(p.agencyCode
      ? { agencyCode: capacity?.via === 'delegation' ? capacity.acting.agencyCode : p.agencyCode }
      : {}),
    ...(capacity?.via === 'delegation'
      ? {
          onBehalfOf: capacity.acting.holderId,
          onBehalfOfName: capacity.acting.holderName,
          actingAs: capacity.acting.kind,
        }
      : {}),
    ...(p.assistedBy ? { assistedBy: p.assistedBy.id, assistedByName: p.assistedBy.name } : {}),
  };
}
