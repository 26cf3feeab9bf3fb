import type { EntityManager } from 'typeorm';
import { AppError } from '@berkas/contracts';
import { LoginName, type PrincipalKind } from './credential.entity';

/**
 * Reserves sign-in names for an account. Emails, phones and NIPs are unique across staff and
 * applicants, so a sign-in name always means one person; a taken one is a 409 naming the field.
 */
export async function claimLoginNames(
  m: EntityManager,
  kind: PrincipalKind,
  principalId: string,
  names: Array<{ field: string; name: string | null | undefined }>,
): Promise<void> {
  for (const { field, name } of names) {
    if (!name) continue;
    const taken = await m.findOneBy(LoginName, { name });
    if (taken && !(taken.principalKind === kind && taken.principalId === principalId)) {
      throw new AppError(
        'ALREADY_REGISTERED',
        409,
        `This ${field.replace(/^\//, '')} is already registered`,
        [{ path: field, message: 'is already registered' }],
      );
    }
    if (!taken) await m.insert(LoginName, { name, principalKind: kind, principalId });
  }
}

/** Frees a sign-in name the account no longer uses (a changed email or phone). */
export async function releaseLoginName(
  m: EntityManager,
  kind: PrincipalKind,
  principalId: string,
  name: string | null,
): Promise<void> {
  if (name) await m.delete(LoginName, { name, principalKind: kind, principalId });
}
