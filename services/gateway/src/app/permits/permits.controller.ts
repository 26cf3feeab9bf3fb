import {
  Body,
  Controller,
  Get,
  Delete,
  HttpCode,
  Param,
  ParseIntPipe,
  ParseUUIDPipe,
  Patch,
  Post,
  Put,
  Query,
  Req,
} from '@nestjs/common';
import type { Request } from 'express';
import { Public, Roles } from '@berkas/auth';
import type {
  ActOnTaskRequest,
  Calendar,
  Application,
  ApplicationPage,
  CreateApplicationRequest,
  DocumentView,
  IssuedPermit,
  PermitVerification,
  PermitType,
  PermitTypeList,
  ReassignTaskRequest,
  Task,
  TaskPage,
  UpdateApplicationRequest,
  WorkflowVersion,
  WorkflowVersionList,
} from '@berkas/contracts';
import { ServiceClient } from '@berkas/messaging';
import { DocumentTransferService } from '../tracking/document-transfer.service';
import { PageQuery } from '../validation/list-query.dto';
import { TaskInboxQuery } from './permits.dto';

const id = new ParseUUIDPipe({ version: '4' });

/** Permit types, applications (applicants) and tasks (officers); permits decides who may do what. */
@Controller('api/v1')
export class PermitsController {
  constructor(
    private readonly permits: ServiceClient,
    private readonly transfer: DocumentTransferService,
  ) {}

  @Public()
  @Get('permit-types')
  permitTypes(): Promise<PermitTypeList> {
    return this.permits.request('permits.permit-types.list', {});
  }

  @Public()
  @Get('permit-types/:code')
  permitType(@Param('code') code: string): Promise<PermitType> {
    return this.permits.request('permits.permit-types.get', { code });
  }

  @Post('applications')
  create(@Body() body: CreateApplicationRequest): Promise<Application> {
    return this.permits.request('permits.applications.create', body);
  }

  @Get('applications')
  list(@Query() query: PageQuery): Promise<ApplicationPage> {
    return this.permits.request('permits.applications.list', { ...query });
  }

  @Get('applications/:id')
  get(@Param('id', id) applicationId: string): Promise<Application> {
    return this.permits.request('permits.applications.get', { id: applicationId });
  }

  @Patch('applications/:id')
  update(
    @Param('id', id) applicationId: string,
    @Body() body: Omit<UpdateApplicationRequest, 'id'>,
  ): Promise<Application> {
    return this.permits.request('permits.applications.update', { ...body, id: applicationId });
  }

  /** multipart/form-data: `kind`, then `file`; streamed into the application's dossier. */
  @Post('applications/:id/documents')
  addDocument(@Param('id', id) applicationId: string, @Req() req: Request): Promise<DocumentView> {
    return this.transfer.upload(req, (kind, fileName) =>
      this.permits.request('permits.applications.prepare-document', { id: applicationId, kind, fileName }),
    );
  }

  @Post('applications/:id/submit')
  @HttpCode(200)
  submit(@Param('id', id) applicationId: string): Promise<Application> {
    return this.permits.request('permits.applications.submit', { id: applicationId });
  }

  @Post('applications/:id/resubmit')
  @HttpCode(200)
  resubmit(@Param('id', id) applicationId: string): Promise<Application> {
    return this.permits.request('permits.applications.resubmit', { id: applicationId });
  }

  @Post('applications/:id/withdraw')
  @HttpCode(200)
  withdraw(@Param('id', id) applicationId: string): Promise<Application> {
    return this.permits.request('permits.applications.withdraw', { id: applicationId });
  }

  /** Records the levy's payment (`reference` of the bank transfer); officers of the fee stage. */
  @Post('applications/:id/payments')
  @HttpCode(200)
  recordPayment(
    @Param('id', id) applicationId: string,
    @Body() body: { reference?: string },
  ): Promise<Application> {
    return this.permits.request('permits.fees.record-payment', {
      applicationId,
      reference: body?.reference as string,
    });
  }

  @Get('applications/:id/permit')
  permit(@Param('id', id) applicationId: string): Promise<IssuedPermit> {
    return this.permits.request('permits.permits.get', { id: applicationId });
  }

  /** A supervisor of the issuing agency revokes the permit (`reason`). */
  @Post('applications/:id/permit/revoke')
  @HttpCode(200)
  revoke(@Param('id', id) applicationId: string, @Body() body: { reason?: string }): Promise<IssuedPermit> {
    return this.permits.request('permits.permits.revoke', { applicationId, reason: body?.reason as string });
  }

  /** Days off of a region in a year: national (from the joint decree) and the region's own. */
  @Public()
  @Get('calendars/:regionCode/:year')
  calendar(
    @Param('regionCode') regionCode: string,
    @Param('year', ParseIntPipe) year: number,
  ): Promise<Calendar> {
    return this.permits.request('permits.calendars.get', { regionCode, year });
  }

  @Put('admin/calendars/:regionCode/days/:date')
  @Roles('agency-admin', 'system-admin')
  setDay(
    @Param('regionCode') regionCode: string,
    @Param('date') date: string,
    @Body() body: { nameId?: string; nameEn?: string },
  ): Promise<Calendar> {
    return this.permits.request('permits.calendars.set-day', {
      regionCode,
      date,
      nameId: body?.nameId as string,
      nameEn: body?.nameEn as string,
    });
  }

  @Delete('admin/calendars/:regionCode/days/:date')
  @Roles('agency-admin', 'system-admin')
  removeDay(@Param('regionCode') regionCode: string, @Param('date') date: string): Promise<Calendar> {
    return this.permits.request('permits.calendars.remove-day', { regionCode, date });
  }

  /** Is this permit genuine, and valid? For anyone holding its QR code. */
  @Public()
  @Get('permits/verify/:code')
  verify(@Param('code') code: string): Promise<PermitVerification> {
    return this.permits.request('permits.permits.verify', { code });
  }

  /** Tasks for my agency and roles, due first. */
  @Get('inbox')
  @Roles('front-office', 'verifier', 'reviewer', 'supervisor', 'agency-admin')
  inbox(@Query() query: TaskInboxQuery): Promise<TaskPage> {
    return this.permits.request('permits.tasks.inbox', { ...query });
  }

  @Post('tasks/:id/claim')
  @HttpCode(200)
  claim(@Param('id', id) taskId: string): Promise<Task> {
    return this.permits.request('permits.tasks.claim', { id: taskId });
  }

  @Post('tasks/:id/release')
  @HttpCode(200)
  release(@Param('id', id) taskId: string): Promise<Task> {
    return this.permits.request('permits.tasks.release', { id: taskId });
  }

  @Post('tasks/:id/reassign')
  @HttpCode(200)
  reassign(@Param('id', id) taskId: string, @Body() body: Omit<ReassignTaskRequest, 'id'>): Promise<Task> {
    return this.permits.request('permits.tasks.reassign', { ...body, id: taskId });
  }

  /** `{ "action": "complete", "note": "…" }`: one of the stage's actions. */
  @Post('tasks/:id/actions')
  @HttpCode(200)
  act(@Param('id', id) taskId: string, @Body() body: Omit<ActOnTaskRequest, 'id'>): Promise<Application> {
    return this.permits.request('permits.tasks.act', { ...body, id: taskId });
  }

  @Post('admin/workflows')
  @Roles('system-admin')
  publish(@Body() body: { definition: object }): Promise<WorkflowVersion> {
    return this.permits.request('permits.workflows.publish', { definition: body?.definition } as never);
  }

  @Get('admin/workflows/:code')
  @Roles('system-admin', 'agency-admin')
  workflows(@Param('code') code: string): Promise<WorkflowVersionList> {
    return this.permits.request('permits.workflows.list', { code });
  }
}
