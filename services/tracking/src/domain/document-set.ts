/** One of a kind's current files: its latest version, not withdrawn. */
export interface CurrentFile {
  id: string;
  version: number;
}

export type Placement =
  { version: number; previousId: string | null } | { refused: 'replaced' | 'full'; maxFiles: number };

/**
 * Where a new file of a kind goes among the kind's current files (newest first): the next version
 * of the file it replaces; else a file of its own while the kind takes more (a set of drawings);
 * else, when the kind takes one file, that file's next version (a corrected identity card).
 * Refused when the file it replaces is no longer current, or the kind's files are all there.
 */
export function placeFile(
  current: readonly CurrentFile[],
  replaces: string | null,
  maxFiles: number,
): Placement {
  if (replaces) {
    const old = current.find((f) => f.id === replaces);
    return old ? { version: old.version + 1, previousId: old.id } : { refused: 'replaced', maxFiles };
  }
  if (current.length < maxFiles) return { version: 1, previousId: null };
  const [only] = current;
  if (maxFiles === 1 && only) return { version: only.version + 1, previousId: only.id };
  return { refused: 'full', maxFiles };
}
