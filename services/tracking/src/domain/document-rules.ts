import type { DocumentKind } from '@berkas/contracts';

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
  other: { maxBytes: 50 * MB, allowedTypes: [...SCANS, 'image/tiff'] },
};

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
