import { Module } from '@nestjs/common';
import { EventsModule } from '@berkas/messaging';
import { ApplicationsService } from './applications/applications.service';
import { ApplicationDossier } from './applications/application-dossier';
import { ApplicationCompleteness } from './applications/application-completeness';
import { CalendarService } from './calendar/calendar.service';
import { RegionAreasService } from './areas/region-areas';
import { CatalogService } from './catalog/catalog.service';
import { FollowUpsService } from './issued/follow-ups.service';
import { IssuedPermitsService } from './issued/issued-permits.service';
import { NoticeFactsService } from './notices/notice-facts.service';
import { NoticesController } from './notices/notices.controller';
import { PermitsController } from './permits.controller';
import { CustodyService } from './tasks/custody.service';
import { ReminderScheduler } from './tasks/reminder-scheduler';
import { SlaScheduler } from './tasks/sla-scheduler.service';
import { TasksService } from './tasks/tasks.service';
import { TeamBoardService } from './tasks/team-board.service';
import { EscalationsService } from './tasks/escalations.service';
import { ReturnedFilesService } from './applications/returned-files.service';
import { ApplicationLedger } from './ledger/application-ledger';
import { ActOnTask } from './transitions/act-on-task';
import { TaskAttachments } from './tasks/task-attachments';
import { ApplyFiktifPositif } from './transitions/apply-fiktif-positif';
import { EscalateOverdueTask } from './transitions/escalate-overdue-task';
import { FeeBilling } from './transitions/fee-billing';
import { OwnerAgencyDirectory } from './transitions/owner-agencies';
import { PermitIssuing } from './transitions/permit-issuing';
import { RecordPayment } from './transitions/record-payment';
import { ResubmitApplication } from './transitions/resubmit-application';
import { SubmitApplication } from './transitions/submit-application';
import { TransitionPlanner } from './transitions/transition-planner';
import { WithdrawApplication } from './transitions/withdraw-application';

/** Catalog, calendars, region areas, applications and tasks: the workflow engine's one consistency boundary. */
@Module({
  imports: [EventsModule],
  controllers: [PermitsController, NoticesController],
  providers: [
    CatalogService,
    CalendarService,
    RegionAreasService,
    IssuedPermitsService,
    ApplicationLedger,
    ApplicationCompleteness,
    ApplicationDossier,
    OwnerAgencyDirectory,
    FeeBilling,
    PermitIssuing,
    TransitionPlanner,
    SubmitApplication,
    ResubmitApplication,
    WithdrawApplication,
    ActOnTask,
    TaskAttachments,
    RecordPayment,
    ApplyFiktifPositif,
    EscalateOverdueTask,
    ApplicationsService,
    TasksService,
    TeamBoardService,
    EscalationsService,
    ReturnedFilesService,
    SlaScheduler,
    ReminderScheduler,
    CustodyService,
    FollowUpsService,
    NoticeFactsService,
  ],
})
export class PermitsModule {}
