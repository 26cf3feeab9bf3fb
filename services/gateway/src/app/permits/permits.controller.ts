import {
  Body,
  Controller,
  Get,
  Delete,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { GatewayHttpEnv } from '@berkas/config';
import { AppError } from '@berkas/contracts';
import { renderLevyBill, renderRegistrationReceipt, sendPdf } from '@berkas/documents';
import { OFFICER_ROLES, Public, Roles } from '@berkas/auth';
import type {
  ApplicationHistory,
  ApplicationHistoryVerification,
  LevyEstimate,
  LevyEstimateRequest,
  Calendar,
  RegionAreas,
  Application,
  ApplicationDocuments,
  ApplicationPage,
  DocumentView,
  IssuedPermit,
  Jwk,
  PermitVerification,
  PermitType,
  PermitTypeList,
  PublishedWorkflow,
  Task,
  TaskPage,
  TeamBoard,
  EscalatedTaskPage,
  ReturnedFilePage,
  WorkflowVersion,
  WorkflowVersionList,
} from '@berkas/contracts';
import {
  ActOnTaskBody,
  CreateApplicationBody,
  LevyEstimateBody,
  PublishWorkflowBody,
  ReassignTaskBody,
  RecordPaymentBody,
  RevokePermitBody,
  SetCalendarDayBody,
  UpdateApplicationBody,
} from '../../generated/bodies';
import { RateLimit } from '../protection/rate-limit';
import { Calls } from '../openapi/calls.decorator';
import { ServiceClient } from '@berkas/messaging';
import { intParam, uuidParam } from '../validation/validation.pipe';
import { DocumentTransferService } from '../tracking/document-transfer.service';
import { PageQuery } from '../validation/list-query.dto';
import { TaskInboxQuery, TeamBoardQuery, WorkflowQuery } from './permits.dto';

const id = uuidParam();

/** Permit types, applications (applicants) and tasks (officers); permits decides who may do what. */
@Controller('api/v1')
export class PermitsController {
  constructor(
    private readonly permits: ServiceClient,
    private readonly transfer: DocumentTransferService,
    private readonly http: GatewayHttpEnv,
  ) {}

  @Public()
  @Get('permit-types')
  @Calls('permits.permit-types.list')
  permitTypes(): Promise<PermitTypeList> {
    return this.permits.request('permits.permit-types.list', {});
  }

  @Public()
  @Get('permit-types/:code')
  @Calls('permits.permit-types.get')
  permitType(@Param('code') code: string): Promise<PermitType> {
    return this.permits.request('permits.permit-types.get', { code });
  }

  /** The levy a permit type's formula gives for some values, before applying (the public calculator). */
  @Public()
  @RateLimit('lookups')
  @Post('permit-types/:code/levy-estimate')
  @HttpCode(200)
  @Calls('permits.permit-types.levy-estimate')
  levyEstimate(@Param('code') code: string, @Body() body: LevyEstimateBody): Promise<LevyEstimate> {
    // The body's map is checked as an object here; that its values are numbers, against proto/ by the
    // request's schema before permits reads it (a 400 naming the value otherwise).
    const values = body.values as LevyEstimateRequest['values'];
    return this.permits.request('permits.permit-types.levy-estimate', { code, values });
  }

  @Post('applications')
  @Calls('permits.applications.create')
  create(@Body() body: CreateApplicationBody): Promise<Application> {
    return this.permits.request('permits.applications.create', body);
  }

  @Get('applications')
  @Calls('permits.applications.list')
  list(@Query() query: PageQuery): Promise<ApplicationPage> {
    return this.permits.request('permits.applications.list', { ...query });
  }

  @Get('applications/:id')
  @Calls('permits.applications.get')
  get(@Param('id', id) applicationId: string): Promise<Application> {
    return this.permits.request('permits.applications.get', { id: applicationId });
  }

  @Patch('applications/:id')
  @Calls('permits.applications.update')
  update(@Param('id', id) applicationId: string, @Body() body: UpdateApplicationBody): Promise<Application> {
    return this.permits.request('permits.applications.update', { ...body, id: applicationId });
  }

  @Get('applications/:id/documents')
  @Calls('permits.applications.documents')
  documents(@Param('id', id) applicationId: string): Promise<ApplicationDocuments> {
    return this.permits.request('permits.applications.documents', { id: applicationId });
  }

  /**
   * multipart/form-data: `kind` (and `replaces`, the id of the current document the file is the next
   * version of), then `file`; streamed into the application's dossier.
   */
  @Post('applications/:id/documents')
  @Calls('permits.applications.prepare-document', {
    then: ['permits.applications.register-document'],
    reply: 'DocumentView',
    upload: true,
    summary: "Adds a document to the application's dossier; the bytes are streamed to storage.",
  })
  addDocument(@Param('id', id) applicationId: string, @Req() req: Request): Promise<DocumentView> {
    return this.transfer.upload(
      req,
      (fields, fileName) =>
        this.permits.request('permits.applications.prepare-document', {
          ...fields,
          id: applicationId,
          fileName,
        }),
      (upload) =>
        this.permits.request('permits.applications.register-document', { ...upload, id: applicationId }),
    );
  }

  @Delete('applications/:id/documents/:documentId')
  @Calls('permits.applications.remove-document')
  removeDocument(
    @Param('id', id) applicationId: string,
    @Param('documentId', id) documentId: string,
  ): Promise<DocumentView> {
    return this.permits.request('permits.applications.remove-document', { id: applicationId, documentId });
  }

  /** The bukti pendaftaran of a sent application: its tracking number, and a QR code to track it. */
  @Get('applications/:id/receipt.pdf')
  @Calls('permits.applications.get', {
    then: ['permits.permit-types.get'],
    bytes: 'application/pdf',
    summary:
      'The registration receipt (bukti pendaftaran) of a sent application, with a QR code to track it.',
  })
  async receipt(@Param('id', id) applicationId: string, @Res() res: Response): Promise<void> {
    const app = await this.permits.request('permits.applications.get', { id: applicationId });
    if (!app.trackingNumber || !app.submittedAt)
      throw new AppError(
        'NOT_FOUND',
        404,
        'This application has no receipt yet: it comes when the application is sent',
      );
    const type = await this.permits.request('permits.permit-types.get', { code: app.permitType });
    const pdf = await renderRegistrationReceipt(
      { ...app, trackingNumber: app.trackingNumber, submittedAt: app.submittedAt },
      type,
      this.http.publicUrl,
    );
    sendPdf(res, pdf, `bukti-${app.trackingNumber}.pdf`);
  }

  /** The SKRD: the levy bill of the application's fee stage, with its due date and how to pay. */
  @Get('applications/:id/bill.pdf')
  @Calls('permits.applications.get', {
    then: ['permits.permit-types.get'],
    bytes: 'application/pdf',
    summary: 'The levy bill (SKRD) of the application: number, amount, due date, how to pay, paid or not.',
  })
  async bill(@Param('id', id) applicationId: string, @Res() res: Response): Promise<void> {
    const app = await this.permits.request('permits.applications.get', { id: applicationId });
    if (!app.fee || !app.trackingNumber)
      throw new AppError('NOT_FOUND', 404, 'This application has no levy bill (yet): its fee stage bills it');
    const type = await this.permits.request('permits.permit-types.get', { code: app.permitType });
    const pdf = await renderLevyBill(
      { ...app, trackingNumber: app.trackingNumber },
      app.fee,
      type,
      app.holderName,
    );
    sendPdf(res, pdf, `skrd-${app.fee.billNumber}.pdf`);
  }

  @Post('applications/:id/submit')
  @HttpCode(200)
  @Calls('permits.applications.submit')
  submit(@Param('id', id) applicationId: string): Promise<Application> {
    return this.permits.request('permits.applications.submit', { id: applicationId });
  }

  @Post('applications/:id/resubmit')
  @HttpCode(200)
  @Calls('permits.applications.resubmit')
  resubmit(@Param('id', id) applicationId: string): Promise<Application> {
    return this.permits.request('permits.applications.resubmit', { id: applicationId });
  }

  @Post('applications/:id/withdraw')
  @HttpCode(200)
  @Calls('permits.applications.withdraw')
  withdraw(@Param('id', id) applicationId: string): Promise<Application> {
    return this.permits.request('permits.applications.withdraw', { id: applicationId });
  }

  /** Records the levy's payment (`reference` of the bank transfer); officers of the fee stage. */
  @Post('applications/:id/payments')
  @HttpCode(200)
  @Calls('permits.fees.record-payment')
  recordPayment(
    @Param('id', id) applicationId: string,
    @Body() body: RecordPaymentBody,
  ): Promise<Application> {
    return this.permits.request('permits.fees.record-payment', {
      ...body,
      applicationId,
    });
  }

  /** The application's history: who took each step, in which capacity, with their note. Officers. */
  @Get('applications/:id/history')
  @Roles(...OFFICER_ROLES)
  @Calls('permits.applications.history')
  history(@Param('id', id) applicationId: string): Promise<ApplicationHistory> {
    return this.permits.request('permits.applications.history', { id: applicationId });
  }

  /** Recomputes the application's own hash-chained history, like a dossier's. */
  @Get('applications/:id/history/verify')
  @Calls('permits.applications.verify-history')
  verifyHistory(@Param('id', id) applicationId: string): Promise<ApplicationHistoryVerification> {
    return this.permits.request('permits.applications.verify-history', { id: applicationId });
  }

  @Get('applications/:id/permit')
  @Calls('permits.permits.get')
  permit(@Param('id', id) applicationId: string): Promise<IssuedPermit> {
    return this.permits.request('permits.permits.get', { id: applicationId });
  }

  /** A supervisor of the issuing agency revokes the permit (`reason`). */
  @Post('applications/:id/permit/revoke')
  @HttpCode(200)
  @Calls('permits.permits.revoke')
  revoke(@Param('id', id) applicationId: string, @Body() body: RevokePermitBody): Promise<IssuedPermit> {
    return this.permits.request('permits.permits.revoke', { ...body, applicationId });
  }

  /** The kecamatan and kelurahan/desa of a region (Kemendagri codes): the choices of a form's place question. */
  @Public()
  @Get('regions/:regionCode/areas')
  @Calls('permits.areas.get')
  areas(@Param('regionCode') regionCode: string): Promise<RegionAreas> {
    return this.permits.request('permits.areas.get', { regionCode });
  }

  /** Days off of a region in a year: national (from the joint decree) and the region's own. */
  @Public()
  @Get('calendars/:regionCode/:year')
  @Calls('permits.calendars.get')
  calendar(
    @Param('regionCode') regionCode: string,
    @Param('year', intParam('year')) year: number,
  ): Promise<Calendar> {
    return this.permits.request('permits.calendars.get', { regionCode, year });
  }

  @Put('admin/calendars/:regionCode/days/:date')
  @Roles('system-admin')
  @Calls('permits.calendars.set-day')
  setDay(
    @Param('regionCode') regionCode: string,
    @Param('date') date: string,
    @Body() body: SetCalendarDayBody,
  ): Promise<Calendar> {
    return this.permits.request('permits.calendars.set-day', {
      ...body,
      regionCode,
      date,
    });
  }

  @Delete('admin/calendars/:regionCode/days/:date')
  @Roles('system-admin')
  @Calls('permits.calendars.remove-day')
  removeDay(@Param('regionCode') regionCode: string, @Param('date') date: string): Promise<Calendar> {
    return this.permits.request('permits.calendars.remove-day', { regionCode, date });
  }

  /** Is this permit genuine, and valid? For anyone holding its QR code. */
  @Public()
  @RateLimit('lookups')
  @Get('permits/verify/:code')
  @Calls('permits.permits.verify')
  verify(@Param('code') code: string): Promise<PermitVerification> {
    return this.permits.request('permits.permits.verify', { code });
  }

  /** The key verification codes are signed with, to check a permit's QR code offline. */
  @Public()
  @Get('permits/seal-key')
  @Calls('permits.permits.seal-key')
  sealKey(): Promise<Jwk> {
    return this.permits.request('permits.permits.seal-key', {});
  }

  /** Tasks for my agency and roles, due first. */
  @Get('inbox')
  @Roles(...OFFICER_ROLES)
  @Calls('permits.tasks.inbox')
  inbox(@Query() { overdue, counts, ...query }: TaskInboxQuery): Promise<TaskPage> {
    return this.permits.request('permits.tasks.inbox', {
      ...query,
      ...(overdue === 'true' ? { overdue: true } : {}),
      ...(counts === 'true' ? { counts: true } : {}),
    });
  }

  @Post('tasks/:id/claim')
  @HttpCode(200)
  @Calls('permits.tasks.claim')
  claim(@Param('id', id) taskId: string): Promise<Task> {
    return this.permits.request('permits.tasks.claim', { id: taskId });
  }

  @Post('tasks/:id/release')
  @HttpCode(200)
  @Calls('permits.tasks.release')
  release(@Param('id', id) taskId: string): Promise<Task> {
    return this.permits.request('permits.tasks.release', { id: taskId });
  }

  /** A supervisor's team board: each officer's open, due-soon and overdue tasks, and the unclaimed queue's. */
  @Get('team')
  @Roles('supervisor')
  @Calls('permits.tasks.team')
  team(@Query() query: TeamBoardQuery): Promise<TeamBoard> {
    return this.permits.request('permits.tasks.team', { ...query });
  }

  /** A supervisor's escalations: late tasks of their agency, waiting or closed by fiktif positif. */
  @Get('escalations')
  @Roles('supervisor')
  @Calls('permits.tasks.escalated')
  escalated(@Query() query: PageQuery): Promise<EscalatedTaskPage> {
    return this.permits.request('permits.tasks.escalated', { ...query });
  }

  /** Files the officer's agency returned to their applicants, still waiting on them; oldest first. */
  @Get('returned')
  @Roles(...OFFICER_ROLES)
  @Calls('permits.applications.returned')
  returned(@Query() query: PageQuery): Promise<ReturnedFilePage> {
    return this.permits.request('permits.applications.returned', { ...query });
  }

  @Post('tasks/:id/reassign')
  @HttpCode(200)
  @Calls('permits.tasks.reassign')
  reassign(@Param('id', id) taskId: string, @Body() body: ReassignTaskBody): Promise<Task> {
    return this.permits.request('permits.tasks.reassign', { ...body, id: taskId });
  }

  /**
   * multipart/form-data: `file` (no `kind`: it is an action attachment); streamed into the file's
   * dossier, waiting for the officer's next action on the task, which names it in `attachments`.
   */
  @Post('tasks/:id/attachments')
  @Calls('permits.tasks.prepare-attachment', {
    then: ['permits.tasks.register-attachment'],
    reply: 'DocumentView',
    upload: true,
    summary:
      "Attaches a file (a site-visit report, a review memo) to the officer's next action on the task; the bytes are streamed to storage.",
  })
  addAttachment(@Param('id', id) taskId: string, @Req() req: Request): Promise<DocumentView> {
    return this.transfer.upload(
      req,
      (_fields, fileName) =>
        this.permits.request('permits.tasks.prepare-attachment', { id: taskId, fileName }),
      (upload) => this.permits.request('permits.tasks.register-attachment', { ...upload, id: taskId }),
      { kind: 'action-attachment' },
    );
  }

  /** `{ "action": "complete", "note": "…" }`: one of the stage's actions. */
  @Post('tasks/:id/actions')
  @HttpCode(200)
  @Calls('permits.tasks.act')
  act(@Param('id', id) taskId: string, @Body() body: ActOnTaskBody): Promise<Application> {
    return this.permits.request('permits.tasks.act', { ...body, id: taskId });
  }

  @Post('admin/workflows')
  @Roles('system-admin')
  @Calls('permits.workflows.publish')
  publish(@Body() body: PublishWorkflowBody): Promise<WorkflowVersion> {
    return this.permits.request('permits.workflows.publish', body);
  }

  @Get('workflows/:code')
  @Public()
  @Calls('permits.workflows.get')
  workflow(@Param('code') code: string, @Query() query: WorkflowQuery): Promise<PublishedWorkflow> {
    return this.permits.request('permits.workflows.get', { code, ...query });
  }

  @Get('admin/workflows/:code')
  @Roles('system-admin', 'agency-admin')
  @Calls('permits.workflows.list')
  workflows(@Param('code') code: string): Promise<WorkflowVersionList> {
    return this.permits.request('permits.workflows.list', { code });
  }
}
