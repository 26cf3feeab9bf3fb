import type { DocumentKind, DocumentRule } from '@berkas/contracts';

const MB = 1024 * 1024;
const SCANS = ['application/pdf', 'image/jpeg', 'image/png'];
const DRAWINGS = ['application/pdf', 'image/vnd.dwg', 'image/tiff', 'image/png', 'image/jpeg'];

/**
 * What each kind of document may be and how large: the outer limits of this tracking service. A
 * permit type may ask for less; it cannot allow more.
 */
export const DOCUMENT_RULES: Record<DocumentKind, { maxBytes: number; allowedTypes: string[] }> = {
  'identity-card': { maxBytes: 5 * MB, allowedTypes: SCANS },
  'application-letter': { maxBytes: 10 * MB, allowedTypes: SCANS },
  statement: { maxBytes: 10 * MB, allowedTypes: SCANS },
  certificate: { maxBytes: 20 * MB, allowedTypes: SCANS },
  photo: { maxBytes: 20 * MB, allowedTypes: ['image/jpeg', 'image/png'] },
  'site-plan': { maxBytes: 100 * MB, allowedTypes: DRAWINGS },
  'technical-drawing': { maxBytes: 250 * MB, allowedTypes: DRAWINGS },
  'environmental-document': { maxBytes: 250 * MB, allowedTypes: ['application/pdf'] },
  'issued-permit': { maxBytes: 10 * MB, allowedTypes: ['application/pdf'] },
  'action-attachment': { maxBytes: 50 * MB, allowedTypes: [...SCANS, 'image/tiff'] },
  other: { maxBytes: 50 * MB, allowedTypes: [...SCANS, 'image/tiff'] },
};

/** Kinds only a service writes: the issued permit is generated and stored by the permits service. */
export const SERVICE_ONLY_KINDS: readonly DocumentKind[] = ['issued-permit'];

/**
 * Kinds a service adds only on someone's behalf: an officer's attachment to an action reaches the
 * dossier through permits, which checks the officer may act on the task and ties the file to it.
 */
export const VOUCHED_ONLY_KINDS: readonly DocumentKind[] = ['action-attachment'];

/** Files of a kind a dossier holds at once where no rule says: one, or as many as actions attach. */
const DEFAULT_MAX_FILES: Partial<Record<DocumentKind, number>> = { 'action-attachment': 200 };

export interface UploadLimits {
  maxBytes: number;
  allowedTypes: string[];
  /** How many files of the kind the dossier holds at once. */
  maxFiles: number;
}

/**
 * The limits of one upload of `kind` into a dossier with `rules` (its process's documents): the
 * kind's own, narrowed by the rule for it. An applicant may add only the kinds the rules name
 * (when there are rules); officers may add others (a site-visit report) within the kind's limits.
 * Answers the reason when the upload may not happen at all.
 */
export function limitsFor(
  kind: DocumentKind,
  rules: readonly DocumentRule[] | null,
  applicant: boolean,
): UploadLimits | { refused: string } {
  const own = DOCUMENT_RULES[kind];
  const rule = rules?.find((r) => r.kind === kind);
  if (rules && !rule && applicant) return { refused: 'is not a document this file asks for' };
  const allowedTypes = rule?.allowedTypes
    ? own.allowedTypes.filter((t) => rule.allowedTypes?.includes(t))
    : own.allowedTypes;
  if (!allowedTypes.length) return { refused: 'leaves no type this kind of document may have' };
  return {
    maxBytes: Math.min(own.maxBytes, rule?.maxBytes ?? Infinity),
    allowedTypes,
    maxFiles: maxFilesOf(kind, rules),
  };
}

/** How many files of `kind` a dossier with `rules` holds at once: one, unless its rule or kind says more. */
export const maxFilesOf = (kind: DocumentKind, rules: readonly DocumentRule[] | null): number =>
  rules?.find((r) => r.kind === kind)?.maxFiles ?? DEFAULT_MAX_FILES[kind] ?? 1;

/** How long an upload grant stays usable. */
export const UPLOAD_GRANT_MINUTES = 30;

/** A file name as people see it: no directories, no control characters, at most 200 characters. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '_')
    .trim()
    .slice(0, 200);
  return cleaned && cleaned !== '.' && cleaned !== '..' ? cleaned : 'document';
}
