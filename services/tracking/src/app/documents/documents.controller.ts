import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { currentPrincipal as principal } from '@berkas/auth';
import type {
  DocumentIdRequest,
  DocumentView,
  DownloadGrant,
  PrepareUploadRequest,
  RegisterDocumentRequest,
  UploadGrant,
  WithdrawDocumentRequest,
} from '@berkas/contracts';
import { DocumentsService } from './documents.service';
import { Handles } from '@berkas/messaging';

@Controller()
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Handles('tracking.documents.prepare-upload')
  prepare(@Payload() req: PrepareUploadRequest): Promise<UploadGrant> {
    return this.documents.prepareUpload(principal(), req);
  }

  @Handles('tracking.documents.register')
  register(@Payload() req: RegisterDocumentRequest): Promise<DocumentView> {
    return this.documents.register(principal(), req);
  }

  @Handles('tracking.documents.withdraw')
  withdraw(@Payload() req: WithdrawDocumentRequest): Promise<DocumentView> {
    return this.documents.withdraw(req);
  }

  @Handles('tracking.documents.download')
  download(@Payload() req: DocumentIdRequest): Promise<DownloadGrant> {
    return this.documents.download(principal(), req.documentId);
  }
}
