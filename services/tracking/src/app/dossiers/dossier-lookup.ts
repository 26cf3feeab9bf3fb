import type { EntityManager } from 'typeorm';
import { AppError } from '@berkas/contracts';
import { parseTrackingNumber } from '@berkas/contracts';
import { DossierRecord } from './dossier.entity';

/** The canonical form of a typed tracking number; a mistyped one is a 400 that says so. */
export function canonicalTrackingNumber(input: string): string {
  const parsed = parseTrackingNumber(input);
  if (parsed.ok) return parsed.value.formatted;
  throw new AppError(
    'INVALID_TRACKING_NUMBER',
    400,
    parsed.reason === 'check'
      ? 'Check the number: one character is wrong or two are swapped (periksa kembali nomor pelacakan)'
      : 'Check the number: a tracking number looks like 3271-26-7K4Q-X9M2-D (periksa kembali nomor pelacakan)',
    [
      {
        path: '/trackingNumber',
        message: parsed.reason === 'check' ? 'fails its check character' : 'is not a tracking number',
      },
    ],
  );
}

export const dossierNotFound = () => new AppError('NOT_FOUND', 404, 'No dossier has this tracking number');

/** Finds a dossier by number, to read (DossierLedger.lock takes it to change). */
export async function findDossier(m: EntityManager, trackingNumber: string): Promise<DossierRecord> {
  const dossier = await m.findOneBy(DossierRecord, {
    trackingNumber: canonicalTrackingNumber(trackingNumber),
  });
  if (!dossier) throw dossierNotFound();
  return dossier;
}

/**
 * Every agency that has had a hand in the dossier: origin, holder, addressee, both ends of past
 * handoffs, and each agency a workflow stage was opened at (a review worked digitally, without the paper).
 */
export async function custodyOf(m: EntityManager, d: DossierRecord): Promise<Set<string>> {
  const rows: Array<{ agency_id: string }> = await m.query(
    `SELECT from_agency->>'id' AS agency_id FROM handoffs WHERE dossier_id = $1
     UNION SELECT to_agency_id::text FROM handoffs WHERE dossier_id = $1
     UNION SELECT data->>'agencyId' FROM history
       WHERE dossier_id = $1 AND type = 'stage-started' AND data ? 'agencyId'`,
    [d.id],
  );
  return new Set([
    d.originAgencyId,
    d.holderAgencyId,
    ...(d.inTransitToAgencyId ? [d.inTransitToAgencyId] : []),
    ...rows.map((r) => r.agency_id),
  ]);
}
