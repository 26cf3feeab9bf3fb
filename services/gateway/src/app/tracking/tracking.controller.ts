import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { OFFICER_ROLES, Public, Roles } from '@berkas/auth';
import { GatewayHttpEnv } from '@berkas/config';
import type {
  DocumentView,
  Dossier,
  DossierHistory,
  HandoffReceipt,
  HistoryVerification,
  InboxPage,
  PublicView,
} from '@berkas/contracts';
import {
  CloseDossierBody,
  OpenDossierBody,
  RefuseHandoffBody,
  ResolveHandoffBody,
  SendHandoffBody,
} from '../../generated/bodies';
import { RateLimit } from '../protection/rate-limit';
import { Calls } from '../openapi/calls.decorator';
import { ServiceClient } from '@berkas/messaging';
import { uuidParam } from '../validation/validation.pipe';
import { renderCoverSheet, sendPdf } from '@berkas/documents';
import { DocumentTransferService } from './document-transfer.service';
import { PublicViewCache } from './public-view-cache';
import { DownloadQuery, InboxQuery } from './tracking.dto';

const id = uuidParam();
const OFFICERS = OFFICER_ROLES;

/** Dossiers, documents and handoffs; tracking decides who may do what with each dossier. */
@Controller('api/v1')
export class TrackingController {
  constructor(
    private readonly tracking: ServiceClient,
    private readonly transfer: DocumentTransferService,
    private readonly publicViews: PublicViewCache,
    private readonly http: GatewayHttpEnv,
  ) {}

  /** "Where is my file?": anyone with the number, no sign-in, no personal data. */
  @Public()
  @RateLimit('lookups')
  @Get('track/:trackingNumber')
  @Header('Cache-Control', 'public, max-age=30')
  @Calls('tracking.dossiers.public-view')
  track(@Param('trackingNumber') trackingNumber: string): Promise<PublicView> {
    return this.publicViews.lookup(trackingNumber);
  }

  @Post('dossiers')
  @Roles(...OFFICERS)
  @Calls('tracking.dossiers.open')
  open(@Body() body: OpenDossierBody): Promise<Dossier> {
    return this.tracking.request('tracking.dossiers.open', body);
  }

  @Get('dossiers/:trackingNumber')
  @Calls('tracking.dossiers.get')
  get(@Param('trackingNumber') trackingNumber: string): Promise<Dossier> {
    return this.tracking.request('tracking.dossiers.get', { trackingNumber });
  }

  @Post('dossiers/:trackingNumber/close')
  @Roles(...OFFICERS)
  @HttpCode(200)
  @Calls('tracking.dossiers.close')
  close(@Param('trackingNumber') trackingNumber: string, @Body() body: CloseDossierBody): Promise<Dossier> {
    return this.tracking.request('tracking.dossiers.close', { ...body, trackingNumber });
  }

  /**
   * Upload: multipart/form-data with `kind` (and `replaces`, a current document's id) first, then
   * `file`; streamed to storage, never buffered whole.
   */
  @Post('dossiers/:trackingNumber/documents')
  @Calls('tracking.documents.prepare-upload', {
    then: ['tracking.documents.register'],
    reply: 'DocumentView',
    upload: true,
    summary: 'Adds a document (or a new version of one) to the dossier; the bytes are streamed to storage.',
  })
  addDocument(@Param('trackingNumber') trackingNumber: string, @Req() req: Request): Promise<DocumentView> {
    return this.transfer.upload(req, (fields, fileName) =>
      this.tracking.request('tracking.documents.prepare-upload', { ...fields, trackingNumber, fileName }),
    );
  }

  @Get('documents/:id/download')
  @Calls('tracking.documents.download', {
    bytes: 'application/octet-stream',
    summary:
      'The document bytes, checked against their SHA-256 while streaming (`Repr-Digest`), or with `mode=url` a short-lived presigned link.',
  })
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
  @Roles(...OFFICERS)
  @Calls('tracking.handoffs.send')
  send(
    @Param('trackingNumber') trackingNumber: string,
    @Body() body: SendHandoffBody,
  ): Promise<HandoffReceipt> {
    return this.tracking.request('tracking.handoffs.send', { ...body, trackingNumber });
  }

  @Get('handoffs/:id')
  @Calls('tracking.handoffs.get')
  handoff(@Param('id', id) handoffId: string): Promise<HandoffReceipt> {
    return this.tracking.request('tracking.handoffs.get', { id: handoffId });
  }

  @Post('handoffs/:id/receive')
  @Roles(...OFFICERS)
  @HttpCode(200)
  @Calls('tracking.handoffs.receive')
  receive(@Param('id', id) handoffId: string, @Body() body: ResolveHandoffBody): Promise<HandoffReceipt> {
    return this.tracking.request('tracking.handoffs.receive', { ...body, id: handoffId });
  }

  @Post('handoffs/:id/refuse')
  @Roles(...OFFICERS)
  @HttpCode(200)
  @Calls('tracking.handoffs.refuse')
  refuse(@Param('id', id) handoffId: string, @Body() body: RefuseHandoffBody): Promise<HandoffReceipt> {
    return this.tracking.request('tracking.handoffs.refuse', { ...body, id: handoffId });
  }

  /** Held by, or on its way to, the officer's agency; oldest first. */
  @Get('agency/dossiers')
  @Roles(...OFFICERS)
  @Calls('tracking.dossiers.inbox')
  inbox(@Query() query: InboxQuery): Promise<InboxPage> {
    return this.tracking.request('tracking.dossiers.inbox', { ...query });
  }

  @Get('dossiers/:trackingNumber/history')
  @Calls('tracking.dossiers.history')
  history(@Param('trackingNumber') trackingNumber: string): Promise<DossierHistory> {
    return this.tracking.request('tracking.dossiers.history', { trackingNumber });
  }

  @Get('dossiers/:trackingNumber/history/verify')
  @Calls('tracking.history.verify')
  verify(@Param('trackingNumber') trackingNumber: string): Promise<HistoryVerification> {
    return this.tracking.request('tracking.history.verify', { trackingNumber });
  }

  /** A printable cover for the paper file: its number as text and as a QR code that opens it. */
  @Get('dossiers/:trackingNumber/cover-sheet.pdf')
  @Calls('tracking.dossiers.get', {
    bytes: 'application/pdf',
    summary: 'A printable cover for the paper file: its number as text and as a QR code that opens it.',
  })
  async coverSheet(@Param('trackingNumber') trackingNumber: string, @Res() res: Response): Promise<void> {
    const dossier = await this.tracking.request('tracking.dossiers.get', { trackingNumber });
    const pdf = await renderCoverSheet(dossier, this.http.publicUrl);
    sendPdf(res, pdf, `berkas-${dossier.trackingNumber}.pdf`);
  }
}
