import { Module } from '@nestjs/common';
import { EventsModule } from '@berkas/messaging';
import { ApplicationsService } from './applications/applications.service';
import { WorkflowRunner } from './applications/workflow-runner.service';
import { CalendarService } from './calendar/calendar.service';
import { CatalogService } from './catalog/catalog.service';
import { FollowUpsService } from './issued/follow-ups.service';
import { IssuedPermitsService } from './issued/issued-permits.service';
import { PermitsController } from './permits.controller';
import { CustodyService } from './tasks/custody.service';
import { SlaScheduler } from './tasks/sla-scheduler.service';
import { TasksService } from './tasks/tasks.service';

/** Catalog, calendars, applications and tasks: the workflow engine's one consistency boundary. */
@Module({
  imports: [EventsModule],
  controllers: [PermitsController],
  providers: [
    CatalogService,
    CalendarService,
    IssuedPermitsService,
    WorkflowRunner,
    ApplicationsService,
    TasksService,
    SlaScheduler,
    CustodyService,
    FollowUpsService,
  ],
})
export class PermitsModule {}
