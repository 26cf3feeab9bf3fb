/**
 * Permit numbers in the format Indonesian agencies print on a decision letter:
 * classification code / sequence / permit code / agency / year, e.g. `503/0112/SIP/DPMPTSP/2026`.
 * Sequences run per agency and year (allocated gaplessly by the service).
 */
export function formatPermitNumber(parts: {
  classification: string;
  sequence: number;
  code: string;
  agency: string;
  year: number;
}): string {
  if (!Number.isInteger(parts.sequence) || parts.sequence < 1)
    throw new Error(`bad sequence ${parts.sequence}`);
  return `${parts.classification}/${String(parts.sequence).padStart(4, '0')}/${parts.code}/${parts.agency}/${parts.year}`;
}
