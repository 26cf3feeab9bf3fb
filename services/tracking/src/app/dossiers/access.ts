import { actorOf, capacityFor, currentService, OFFICER_ROLES } from '@berkas/auth';
import { AppError, type Actor, type Principal } from '@berkas/contracts';
import type { DossierRecord } from './dossier.entity';

/**
 * Acting for an agency on a dossier: any officer of that agency (or acting official for someone in
 * it), or a Berkas service acting on its own (the permits service, for an application's dossier),
 * recorded by its name. 401 for nobody known, 403 otherwise.
 */
export function requireAgencyOfficer(p: Principal | undefined, agencyId: string, what: string): Actor {
  if (!p) return actorOf(undefined);
  const capacity = p.kind === 'staff' ? capacityFor(p, OFFICER_ROLES, agencyId) : null;
  const own = p.kind === 'staff' && p.agencyId === agencyId;
  if (!own && !capacity)
    throw new AppError('FORBIDDEN', 403, `Only an officer of the ${what} agency can do this`);
  return actorOf(p, own ? { via: 'position' } : capacity);
}

/**
 * Who may see a dossier: its applicant or company, officers of any agency in its custody chain
 * (origin, holders, sender or addressee of a handoff, an agency a workflow stage was opened at),
 * system-admins, and a service acting on its own. Others get 404, not 403: a dossier's existence is
 * not for them to learn either.
 */
export function canView(p: Principal | undefined, d: DossierRecord, custody: Set<string>): boolean {
  if (!p) return !!currentService();
  if (p.kind === 'applicant')
    return (!!d.applicantId && d.applicantId === p.id) || (!!d.companyId && d.companyId === p.companyId);
  if (p.roles?.includes('system-admin')) return true;
  const agencies = [
    p.agencyId,
    ...(p.acting ?? []).filter((a) => new Date(a.until) > new Date()).map((a) => a.agencyId),
  ];
  return agencies.some((a) => !!a && custody.has(a));
}
