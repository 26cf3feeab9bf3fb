import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public, Roles } from '@berkas/auth';
import { GatewayHttpEnv } from '@berkas/config';
import type {
  CloseDossierRequest,
  DocumentView,
  Dossier,
  DossierHistory,
  HandoffReceipt,
  HistoryVerification,
  InboxPage,
  OpenDossierRequest,
  PublicView,
  RefuseHandoffRequest,
  ResolveHandoffRequest,
  SendHandoffRequest,
} from '@berkas/contracts';
import { ServiceClient } from '@berkas/messaging';
import { renderCoverSheet } from './cover-sheet';
import { DocumentTransferService } from './document-transfer.service';
import { DownloadQuery, InboxQuery } from './tracking.dto';

const id = new ParseUUIDPipe({ version: '4' });
const OFFICERS = ['front-office', 'verifier', 'reviewer', 'supervisor', 'agency-admin'] as const;

/** Dossiers, documents and handoffs; tracking decides who may do what with each dossier. */
@Controller('api/v1')
export class TrackingController {
  constructor(
    private readonly tracking: ServiceClient,
    private readonly transfer: DocumentTransferService,
    private readonly http: GatewayHttpEnv,
  ) {}

  /** "Where is my file?": anyone with the number, no sign-in, no personal data. */
  @Public()
  @Get('track/:trackingNumber')
  @Header('Cache-Control', 'public, max-age=30')
  track(@Param('trackingNumber') trackingNumber: string): Promise<PublicView> {
    return this.tracking.request('tracking.dossiers.public-view', { trackingNumber });
  }

  @Post('dossiers')
  @Roles(...OFFICERS)
  open(@Body() body: OpenDossierRequest): Promise<Dossier> {
    return this.tracking.request('tracking.dossiers.open', body);
  }

  @Get('dossiers/:trackingNumber')
  get(@Param('trackingNumber') trackingNumber: string): Promise<Dossier> {
    return this.tracking.request('tracking.dossiers.get', { trackingNumber });
  }

  @Post('dossiers/:trackingNumber/close')
  @HttpCode(200)
  close(
    @Param('trackingNumber') trackingNumber: string,
    @Body() body: Omit<CloseDossierRequest, 'trackingNumber'>,
  ): Promise<Dossier> {
    return this.tracking.request('tracking.dossiers.close', { ...body, trackingNumber });
  }

  /** Upload: multipart/form-data with `kind` first, then `file`; streamed to storage, never buffered whole. */
  @Post('dossiers/:trackingNumber/documents')
  addDocument(@Param('trackingNumber') trackingNumber: string, @Req() req: Request): Promise<DocumentView> {
    return this.transfer.upload(req, (kind, fileName) =>
      this.tracking.request('tracking.documents.prepare-upload', { trackingNumber, kind, fileName }),
    );
  }

  @Get('documents/:id/download')
  async download(
    @Param('id', id) documentId: string,
    @Query() query: DownloadQuery,
    @Res() res: Response,
  ): Promise<void> {
    const grant = await this.tracking.request('tracking.documents.download', { documentId });
    if (query.mode === 'url') {
      res.setHeader('Cache-Control', 'no-store');
      res.json({
        url: grant.url,
        expiresAt: grant.expiresAt,
        sha256: grant.document.sha256,
        size: grant.document.size,
      });
      return;
    }
    await this.transfer.download(grant, res);
  }

  @Post('dossiers/:trackingNumber/handoffs')
  send(
    @Param('trackingNumber') trackingNumber: string,
    @Body() body: Omit<SendHandoffRequest, 'trackingNumber'>,
  ): Promise<HandoffReceipt> {
    return this.tracking.request('tracking.handoffs.send', { ...body, trackingNumber });
  }

  @Get('handoffs/:id')
  handoff(@Param('id', id) handoffId: string): Promise<HandoffReceipt> {
    return this.tracking.request('tracking.handoffs.get', { id: handoffId });
  }

  @Post('handoffs/:id/receive')
  @HttpCode(200)
  receive(
    @Param('id', id) handoffId: string,
    @Body() body: Omit<ResolveHandoffRequest, 'id'>,
  ): Promise<HandoffReceipt> {
    return this.tracking.request('tracking.handoffs.receive', { ...body, id: handoffId });
  }

  @Post('handoffs/:id/refuse')
  @HttpCode(200)
  refuse(
    @Param('id', id) handoffId: string,
    @Body() body: Omit<RefuseHandoffRequest, 'id'>,
  ): Promise<HandoffReceipt> {
    return this.tracking.request('tracking.handoffs.refuse', { ...body, id: handoffId });
  }

  /** Held by, or on its way to, the officer's agency; oldest first. */
  @Get('agency/dossiers')
  @Roles(...OFFICERS)
  inbox(@Query() query: InboxQuery): Promise<InboxPage> {
    return this.tracking.request('tracking.dossiers.inbox', { ...query });
  }

  @Get('dossiers/:trackingNumber/history')
  history(@Param('trackingNumber') trackingNumber: string): Promise<DossierHistory> {
    return this.tracking.request('tracking.dossiers.history', { trackingNumber });
  }

  @Get('dossiers/:trackingNumber/history/verify')
  verify(@Param('trackingNumber') trackingNumber: string): Promise<HistoryVerification> {
    return this.tracking.request('tracking.history.verify', { trackingNumber });
  }

  /** A printable cover for the paper file: its number as text and as a QR code that opens it. */
  @Get('dossiers/:trackingNumber/cover-sheet.pdf')
  async coverSheet(@Param('trackingNumber') trackingNumber: string, @Res() res: Response): Promise<void> {
    const dossier = await this.tracking.request('tracking.dossiers.get', { trackingNumber });
    const pdf = await renderCoverSheet(dossier, this.http.publicUrl);
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `inline; filename="berkas-${dossier.trackingNumber}.pdf"`);
    res.setHeader('Cache-Control', 'private, no-store');
    res.end(pdf);
  }
}
