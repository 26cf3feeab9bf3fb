import { In, type EntityManager } from 'typeorm';
import { currentService, requirePrincipal } from '@berkas/auth';
import { AppError, type Principal } from '@berkas/contracts';
import { TaskRecord } from '../tasks/task.entity';
import { ApplicationRecord } from './application.entity';

export const noApplication = () => new AppError('NOT_FOUND', 404, 'No such application');

export function requireApplicant(p: Principal | undefined): Principal {
  const principal = requirePrincipal(p);
  if (principal.kind !== 'applicant')
    throw new AppError('FORBIDDEN', 403, 'Applications are made by applicant accounts');
  return principal;
}

/** The applicant (or a member of its company; at a counter, its officer), officers of agencies it has tasks at, admins, services. */
export async function canView(
  m: EntityManager,
  p: Principal | undefined,
  app: Pick<ApplicationRecord, 'id' | 'applicantId' | 'companyId' | 'issuingAgencyId' | 'enteredBy'>,
): Promise<boolean> {
  if (!p) return !!currentService();
  // An officer at a counter, signed in as the walk-in, sees only what they entered for them.
  if (p.assistedBy && app.enteredBy?.id !== p.assistedBy.id) return false;
  if (p.kind === 'applicant')
    return p.id === app.applicantId || (!!p.companyId && p.companyId === app.companyId);
  if (p.roles?.includes('system-admin')) return true;
  const now = new Date();
  const acting = (p.acting ?? []).filter((a) => new Date(a.until) > now); // an ended delegation shows nothing
  const agencies = [p.agencyId, ...acting.map((a) => a.agencyId)].filter(Boolean);
  if (agencies.includes(app.issuingAgencyId)) return true;
  return (await m.count(TaskRecord, { where: { applicationId: app.id, agencyId: In(agencies) } })) > 0;
}

/** The application, for someone who may see it; 404 for anyone else, as if it did not exist. */
export async function visibleApplication(
  m: EntityManager,
  p: Principal | undefined,
  id: string,
): Promise<ApplicationRecord> {
  const app = await m.findOneBy(ApplicationRecord, { id });
  if (!app || !(await canView(m, p, app))) throw noApplication();
  return app;
}
