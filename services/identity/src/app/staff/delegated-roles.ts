import type { StaffRole } from '@berkas/contracts';
import type { DelegationRecord, StaffMember } from './staff.entity';

/**
 * The roles a running delegation gives now: those its holder still has, in the same agency, while
 * active. A delegation made once cannot outlast the holder's own authority, and never carries
 * system-admin (nor did rows made before that rule).
 */
export function delegatedRoles(d: DelegationRecord & { holder: StaffMember }): StaffRole[] {
  if (!d.holder.active || d.holder.agencyId !== d.agencyId) return [];
  return d.roles.filter((r) => r !== 'system-admin' && d.holder.roles.includes(r));
}
