import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { currentPrincipal as principal } from '@berkas/auth';
import type {
  CloseDossierRequest,
  Dossier,
  DossierHistory,
  HistoryVerification,
  InboxPage,
  InboxRequest,
  OpenDossierRequest,
  PublicView,
  TrackingNumberRequest,
} from '@berkas/contracts';
import { DossiersService } from './dossiers.service';
import { Handles } from '@berkas/messaging';

@Controller()
export class DossiersController {
  constructor(private readonly dossiers: DossiersService) {}

  @Handles('tracking.dossiers.open')
  open(@Payload() req: OpenDossierRequest): Promise<Dossier> {
    return this.dossiers.open(principal(), req);
  }

  @Handles('tracking.dossiers.activate')
  activate(@Payload() req: TrackingNumberRequest): Promise<Dossier> {
    return this.dossiers.activate(principal(), req.trackingNumber);
  }

  @Handles('tracking.dossiers.get')
  get(@Payload() req: TrackingNumberRequest): Promise<Dossier> {
    return this.dossiers.get(principal(), req.trackingNumber);
  }

  @Handles('tracking.dossiers.close')
  close(@Payload() req: CloseDossierRequest): Promise<Dossier> {
    return this.dossiers.close(principal(), req);
  }

  @Handles('tracking.dossiers.public-view')
  publicView(@Payload() req: TrackingNumberRequest): Promise<PublicView> {
    return this.dossiers.publicView(req.trackingNumber);
  }

  @Handles('tracking.dossiers.inbox')
  inbox(@Payload() req: InboxRequest): Promise<InboxPage> {
    return this.dossiers.inbox(principal(), req);
  }

  @Handles('tracking.dossiers.history')
  history(@Payload() req: TrackingNumberRequest): Promise<DossierHistory> {
    return this.dossiers.historyOf(principal(), req.trackingNumber);
  }

  @Handles('tracking.history.verify')
  verify(@Payload() req: TrackingNumberRequest): Promise<HistoryVerification> {
    return this.dossiers.verify(principal(), req.trackingNumber);
  }
}
