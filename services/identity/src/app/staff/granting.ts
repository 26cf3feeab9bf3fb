import { requireRole, type Capacity } from '@berkas/auth';
import { AppError, type Principal } from '@berkas/contracts';

/**
 * Granting roles (a new officer's, a changed officer's, a delegation's) or moving an officer to
 * another agency needs agency-admin of that agency by one's own position. An acting official
 * (Plt/Plh) keeps the agency's accounts in order but makes no staffing decisions (SE Kepala BKN
 * 1/2021 on Plh/Plt), so a temporary authority cannot be turned into a lasting one.
 */
export function requireGrantingRole(p: Principal | undefined, agencyId: string): Capacity {
  const capacity = requireRole(p, ['agency-admin'], agencyId);
  if (capacity.via === 'delegation')
    throw new AppError(
      'FORBIDDEN',
      403,
      'An acting official (Plt/Plh) grants no roles and moves no officers; the position holder does',
    );
  return capacity;
}
