import type { Request } from 'express';
import type { Agency, Me } from '@berkas/contracts';
import { ApiClient, ApiProblem } from '../api/api-client';
import { requireOfficer } from '../desk/officer-only';
import { langOf, translate } from '../i18n/catalogue';
import { FormErrors } from '../pages/form-errors';

/** The roles an agency's admin grants from the pages (system-admin is the deployment's, granted elsewhere). */
export const GRANTABLE_ROLES = [
  'front-office',
  'verifier',
  'reviewer',
  'supervisor',
  'agency-admin',
] as const;

/** An agency-admin (or system-admin) by their own position: acting appointments grant nobody anything. */
export function requireAgencyAdmin(req: Request): void {
  requireOfficer(req);
  const own = req.session.person?.seats?.[0]?.roles ?? [];
  if (!own.includes('agency-admin') && !own.includes('system-admin'))
    throw new ApiProblem(403, 'FORBIDDEN', translate(langOf(req), 'admin.adminsOnly'));
}

/** The agency the admin administers (their own), with its units, and whether they are a system-admin. */
export async function administeredAgency(
  api: ApiClient,
  req: Request,
  token: string,
): Promise<{ agency: Agency; me: Me; systemAdmin: boolean }> {
  requireAgencyAdmin(req);
  const me = await api.get<Me>(req, '/me', token);
  const agency = await api.get<Agency>(req, `/agencies/${me.principal.agencyId}`, token);
  return { agency, me, systemAdmin: !!me.principal.roles?.includes('system-admin') };
}

/**
 * The API's refusal of an admin form, by field, in the reader's language: "taken" words for a NIP or
 * email registered already, the field's own words otherwise; answers whether any field was named.
 */
export function refusalByField(
  errors: FormErrors,
  refused: ApiProblem,
  req: Request,
  fields: readonly string[],
): boolean {
  const lang = langOf(req);
  const kind =
    refused.code === 'ALREADY_REGISTERED' || refused.code === 'ALREADY_EXISTS' ? 'taken' : 'refused';
  return errors.addFromApi(refused.errors, (f) =>
    fields.includes(f) ? translate(lang, `admin.${kind}.${f}`) : undefined,
  );
}
