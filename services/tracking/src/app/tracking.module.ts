import { Module } from '@nestjs/common';
import { EventsModule } from '@berkas/messaging';
import { BucketInitializer } from '@berkas/storage';
import { AgencyDirectory } from './agencies/agency-directory.service';
import { DocumentsController } from './documents/documents.controller';
import { DocumentsService } from './documents/documents.service';
import { DossiersController } from './dossiers/dossiers.controller';
import { DossiersService } from './dossiers/dossiers.service';
import { DossierLedger } from './dossiers/dossier-ledger';
import { PublicViewSignals } from './dossiers/public-view-signals';
import { HandoffsController } from './handoffs/handoffs.controller';
import { HandoffsService } from './handoffs/handoffs.service';
import { ApplicationProgressConsumer } from './progress/application-progress.consumer';

/** Dossiers, their documents, handoffs and history: one consistency boundary, one module. */
@Module({
  imports: [EventsModule],
  controllers: [DossiersController, DocumentsController, HandoffsController],
  providers: [
    BucketInitializer,
    AgencyDirectory,
    DossierLedger,
    DossiersService,
    DocumentsService,
    HandoffsService,
    ApplicationProgressConsumer,
    PublicViewSignals,
  ],
})
export class TrackingModule {}
