import type { DocumentView } from '@berkas/contracts';
import type { DocumentRecord } from './document.entity';

export const toDocumentView = (d: DocumentRecord): DocumentView => ({
  id: d.id,
  kind: d.kind,
  version: d.version,
  previousId: d.previousId,
  sha256: d.sha256,
  size: d.size,
  mediaType: d.mediaType,
  fileName: d.fileName,
  uploadedAt: d.uploadedAt.toISOString(),
  uploadedBy: d.uploadedBy,
});
