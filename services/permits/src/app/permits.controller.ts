import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { currentPrincipal as principal } from '@berkas/auth';
import type {
  PrepareTaskAttachmentRequest,
  RegisterTaskAttachmentRequest,
  EscalatedTaskPage,
  ReturnedFilePage,
  ApplicationHistory,
  ApplicationHistoryVerification,
  ActOnTaskRequest,
  Calendar,
  CalendarRequest,
  RegionAreas,
  RegionAreasRequest,
  RemoveCalendarDayRequest,
  RevokePermitRequest,
  SetCalendarDayRequest,
  Application,
  ApplicationDocuments,
  ApplicationPage,
  CodeRequest,
  CreateApplicationRequest,
  IdRequest,
  IssuedPermit,
  PermitVerification,
  VerifyPermitRequest,
  ListApplicationsRequest,
  LevyEstimate,
  LevyEstimateRequest,
  PermitType,
  PermitTypeList,
  PrepareApplicationDocumentRequest,
  RegisterApplicationDocumentRequest,
  RemoveApplicationDocumentRequest,
  DocumentView,
  UploadGrant,
  PublishWorkflowRequest,
  ReassignTaskRequest,
  RecordPaymentRequest,
  Task,
  TaskInboxRequest,
  TaskPage,
  UpdateApplicationRequest,
  WorkflowVersion,
  WorkflowVersionList,
  GetWorkflowRequest,
  Jwk,
  PublishedWorkflow,
  TeamBoard,
  TeamBoardRequest,
} from '@berkas/contracts';
import { ApplicationsService } from './applications/applications.service';
import { CatalogService } from './catalog/catalog.service';
import { TasksService } from './tasks/tasks.service';
import { TeamBoardService } from './tasks/team-board.service';
import { EscalationsService } from './tasks/escalations.service';
import { ReturnedFilesService } from './applications/returned-files.service';
import { IssuedPermitsService } from './issued/issued-permits.service';
import { CalendarService } from './calendar/calendar.service';
import { RegionAreasService } from './areas/region-areas';
import { Handles } from '@berkas/messaging';
import { ActOnTask } from './transitions/act-on-task';
import { TaskAttachments } from './tasks/task-attachments';
import { RecordPayment } from './transitions/record-payment';
import { ResubmitApplication } from './transitions/resubmit-application';
import { SubmitApplication } from './transitions/submit-application';
import { WithdrawApplication } from './transitions/withdraw-application';

@Controller()
export class PermitsController {
  constructor(
    private readonly catalog: CatalogService,
    private readonly applications: ApplicationsService,
    private readonly tasks: TasksService,
    private readonly teams: TeamBoardService,
    private readonly escalations: EscalationsService,
    private readonly returnedFiles: ReturnedFilesService,
    private readonly issued: IssuedPermitsService,
    private readonly calendars: CalendarService,
    private readonly areas: RegionAreasService,
    private readonly submitting: SubmitApplication,
    private readonly resubmitting: ResubmitApplication,
    private readonly withdrawing: WithdrawApplication,
    private readonly acting: ActOnTask,
    private readonly attachments: TaskAttachments,
    private readonly payments: RecordPayment,
  ) {}

  @Handles('permits.permit-types.list')
  async permitTypes(): Promise<PermitTypeList> {
    return { items: await this.catalog.list() };
  }

  @Handles('permits.permit-types.get')
  permitType(@Payload() req: CodeRequest): Promise<PermitType> {
    return this.catalog.view(req.code);
  }

  @Handles('permits.permit-types.levy-estimate')
  levyEstimate(@Payload() req: LevyEstimateRequest): Promise<LevyEstimate> {
    return this.catalog.levyEstimate(req);
  }

  @Handles('permits.workflows.publish')
  publish(@Payload() req: PublishWorkflowRequest): Promise<WorkflowVersion> {
    return this.catalog.publish(principal(), req.definition);
  }

  @Handles('permits.workflows.get')
  workflow(@Payload() req: GetWorkflowRequest): Promise<PublishedWorkflow> {
    return this.catalog.published(req.code, req.version);
  }

  @Handles('permits.workflows.list')
  async workflows(@Payload() req: CodeRequest): Promise<WorkflowVersionList> {
    return { items: await this.catalog.versions(req.code) };
  }

  @Handles('permits.applications.create')
  create(@Payload() req: CreateApplicationRequest): Promise<Application> {
    return this.applications.create(principal(), req);
  }

  @Handles('permits.applications.update')
  update(@Payload() req: UpdateApplicationRequest): Promise<Application> {
    return this.applications.update(principal(), req);
  }

  @Handles('permits.applications.get')
  get(@Payload() req: IdRequest): Promise<Application> {
    return this.applications.get(principal(), req.id);
  }

  @Handles('permits.applications.list')
  list(@Payload() req: ListApplicationsRequest): Promise<ApplicationPage> {
    return this.applications.list(principal(), req);
  }

  @Handles('permits.applications.prepare-document')
  prepareDocument(@Payload() req: PrepareApplicationDocumentRequest): Promise<UploadGrant> {
    return this.applications.prepareDocument(principal(), req);
  }

  @Handles('permits.applications.documents')
  documents(@Payload() req: IdRequest): Promise<ApplicationDocuments> {
    return this.applications.documents(principal(), req.id);
  }

  @Handles('permits.applications.register-document')
  registerDocument(@Payload() req: RegisterApplicationDocumentRequest): Promise<DocumentView> {
    return this.applications.registerDocument(principal(), req);
  }

  @Handles('permits.applications.remove-document')
  removeDocument(@Payload() req: RemoveApplicationDocumentRequest): Promise<DocumentView> {
    return this.applications.removeDocument(principal(), req);
  }

  @Handles('permits.applications.submit')
  submit(@Payload() req: IdRequest): Promise<Application> {
    return this.submitting.run(principal(), req.id);
  }

  @Handles('permits.applications.resubmit')
  resubmit(@Payload() req: IdRequest): Promise<Application> {
    return this.resubmitting.run(principal(), req.id);
  }

  @Handles('permits.applications.withdraw')
  withdraw(@Payload() req: IdRequest): Promise<Application> {
    return this.withdrawing.run(principal(), req.id);
  }

  @Handles('permits.applications.history')
  history(@Payload() req: IdRequest): Promise<ApplicationHistory> {
    return this.applications.history(principal(), req.id);
  }

  @Handles('permits.applications.verify-history')
  verifyHistory(@Payload() req: IdRequest): Promise<ApplicationHistoryVerification> {
    return this.applications.verifyHistory(principal(), req.id);
  }

  @Handles('permits.fees.record-payment')
  recordPayment(@Payload() req: RecordPaymentRequest): Promise<Application> {
    return this.payments.run(principal(), req);
  }

  @Handles('permits.permits.get')
  permit(@Payload() req: IdRequest): Promise<IssuedPermit> {
    return this.applications.permit(principal(), req.id);
  }

  @Handles('permits.permits.revoke')
  revoke(@Payload() req: RevokePermitRequest): Promise<IssuedPermit> {
    return this.applications.revokePermit(principal(), req.applicationId, req.reason);
  }

  @Handles('permits.areas.get')
  areasOf(@Payload() req: RegionAreasRequest): RegionAreas {
    return this.areas.get(req.regionCode);
  }

  @Handles('permits.calendars.get')
  calendar(@Payload() req: CalendarRequest): Promise<Calendar> {
    return this.calendars.days(req.regionCode, req.year);
  }

  @Handles('permits.calendars.set-day')
  setDay(@Payload() req: SetCalendarDayRequest): Promise<Calendar> {
    return this.calendars.setDay(principal(), req);
  }

  @Handles('permits.calendars.remove-day')
  removeDay(@Payload() req: RemoveCalendarDayRequest): Promise<Calendar> {
    return this.calendars.removeDay(principal(), req);
  }

  @Handles('permits.permits.verify')
  verify(@Payload() req: VerifyPermitRequest): Promise<PermitVerification> {
    return this.issued.verify(req.code);
  }

  @Handles('permits.permits.seal-key')
  sealKey(): Jwk {
    return this.issued.seal.publicJwk();
  }

  @Handles('permits.tasks.inbox')
  inbox(@Payload() req: TaskInboxRequest): Promise<TaskPage> {
    return this.tasks.inbox(principal(), req);
  }

  @Handles('permits.tasks.claim')
  claim(@Payload() req: IdRequest): Promise<Task> {
    return this.tasks.claim(principal(), req.id);
  }

  @Handles('permits.tasks.release')
  release(@Payload() req: IdRequest): Promise<Task> {
    return this.tasks.release(principal(), req.id);
  }

  @Handles('permits.tasks.escalated')
  escalated(@Payload() req: ListApplicationsRequest): Promise<EscalatedTaskPage> {
    return this.escalations.list(principal(), req);
  }

  @Handles('permits.applications.returned')
  returned(@Payload() req: ListApplicationsRequest): Promise<ReturnedFilePage> {
    return this.returnedFiles.list(principal(), req);
  }

  @Handles('permits.tasks.team')
  team(@Payload() req: TeamBoardRequest): Promise<TeamBoard> {
    return this.teams.board(principal(), req);
  }

  @Handles('permits.tasks.reassign')
  reassign(@Payload() req: ReassignTaskRequest): Promise<Task> {
    return this.tasks.reassign(principal(), req);
  }

  @Handles('permits.tasks.prepare-attachment')
  prepareAttachment(@Payload() req: PrepareTaskAttachmentRequest): Promise<UploadGrant> {
    return this.attachments.prepare(principal(), req);
  }

  @Handles('permits.tasks.register-attachment')
  registerAttachment(@Payload() req: RegisterTaskAttachmentRequest): Promise<DocumentView> {
    return this.attachments.register(principal(), req);
  }

  @Handles('permits.tasks.act')
  act(@Payload() req: ActOnTaskRequest): Promise<Application> {
    return this.acting.run(principal(), req);
  }
}
