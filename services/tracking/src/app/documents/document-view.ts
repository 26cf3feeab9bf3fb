import type { DocumentView } from '@berkas/contracts';
import type { DocumentRecord } from './document.entity';
import { actorView } from '../../domain/actor-view';

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
  uploadedBy: actorView(d.uploadedBy),
  withdrawnAt: d.withdrawnAt?.toISOString() ?? null,
});
