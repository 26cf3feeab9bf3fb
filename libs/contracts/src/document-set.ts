import type { DocumentView } from './generated';

/**
 * The files a dossier holds now, out of every version it ever held: each file's latest version,
 * leaving out files withdrawn from the set. (A dossier's `documents` lists every version, since an
 * officer may need to see what was replaced; a requirement is met only by what is current.)
 */
export function currentDocuments<T extends Pick<DocumentView, 'id' | 'previousId' | 'withdrawnAt'>>(
  all: readonly T[],
): T[] {
  const replaced = new Set(all.map((d) => d.previousId).filter((id): id is string => !!id));
  return all.filter((d) => !replaced.has(d.id) && !d.withdrawnAt);
}
