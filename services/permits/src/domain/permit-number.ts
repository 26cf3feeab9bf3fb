/**
 * Numbers printed on what an office issues, counted per issuing office (region + agency) and the
 * region's local year, without gaps (the service allocates them in the deciding transaction).
 */

/** An issuing office: the agency of one region. Two regions' DPMPTSP are two offices. */
export interface IssuingOffice {
  regionCode: string;
  agencyCode: string;
}

/**
 * A permit number in the form Indonesian offices print on a decision letter:
 * classification code / sequence / permit code / agency-region / year, e.g.
 * `503/0112/SIP/DPMPTSP-3271/2026`. The region code keeps numbers of same-named offices of
 * different regions apart (one Berkas serves many regions; a number identifies one permit).
 */
export function formatPermitNumber(parts: {
  classification: string;
  sequence: number;
  code: string;
  office: IssuingOffice;
  year: number;
}): string {
  if (!Number.isInteger(parts.sequence) || parts.sequence < 1)
    throw new Error(`bad sequence ${parts.sequence}`);
  const { agencyCode, regionCode } = parts.office;
  return `${parts.classification}/${String(parts.sequence).padStart(4, '0')}/${parts.code}/${agencyCode}-${regionCode}/${parts.year}`;
}

/** A levy bill's number (retribusi): its own sequence per region and local year, e.g. `RET/3271/2026/000012`. */
export function formatBillNumber(parts: { regionCode: string; year: number; sequence: number }): string {
  if (!Number.isInteger(parts.sequence) || parts.sequence < 1)
    throw new Error(`bad sequence ${parts.sequence}`);
  return `RET/${parts.regionCode}/${parts.year}/${String(parts.sequence).padStart(6, '0')}`;
}
