import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AuthModule, HttpAuthGuard } from '@berkas/auth';
import { ConfigModule, type ServiceConfig } from '@berkas/config';
import { NatsModule, NatsReadiness } from '@berkas/messaging';
import { HealthModule, InternalHttpModule, LoggingModule, MetricsModule } from '@berkas/observability';
import { StorageModule, StorageReadiness } from '@berkas/storage';
import { ProblemDetailsFilter } from './errors/problem-details.filter';
import { RATE_LIMIT_PROVIDERS } from './protection/rate-limit';
import { SystemStatusController } from './system-status/system-status.controller';
import { SystemStatusModule } from './system-status/system-status.module';
import { SystemStatusService } from './system-status/system-status.service';
import { AdminController } from './admin/admin.controller';
import { AuthController } from './auth/auth.controller';
import { CompanyMembersController } from './auth/company-members.controller';
import { PasswordsController } from './auth/passwords.controller';
import { CounterController } from './auth/counter.controller';
import { DirectoryController } from './directory/directory.controller';
import { DocumentTransferService } from './tracking/document-transfer.service';
import { DeliveryReportsController } from './notifications/delivery-reports.controller';
import { FileMessagesController } from './notifications/file-messages.controller';
import { NoticeTemplatesController } from './notifications/notice-templates.controller';
import { PreferencesController } from './notifications/preferences.controller';
import { PermitsController } from './permits/permits.controller';
import { PublicViewCache } from './tracking/public-view-cache';
import { TrackingController } from './tracking/tracking.controller';
import { gatewayValidationPipe } from './validation/validation.pipe';

/** Controllers of the JSON API, documented at /docs (the pages people use are the web service's). */
export const API_CONTROLLERS = [
  AuthController,
  PasswordsController,
  CounterController,
  CompanyMembersController,
  AdminController,
  DirectoryController,
  TrackingController,
  PermitsController,
  FileMessagesController,
  PreferencesController,
  NoticeTemplatesController,
  DeliveryReportsController,
  SystemStatusController,
];

@Module({})
export class AppModule {
  static register(config: ServiceConfig<'gateway'>): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot('gateway', config.runtime),
        // The gateway's port is public: metrics and probes answer on the internal port only.
        MetricsModule.forRoot('gateway', { internalOnly: true }),
        NatsModule.forRoot('gateway'),
        StorageModule,
        HealthModule.forRoot([NatsReadiness, StorageReadiness], { internalOnly: true }),
        InternalHttpModule.forRoot({
          port: config.http.internalPort,
          host: config.http.host,
          reports: SystemStatusService,
        }),
        AuthModule.forRoot({ service: 'gateway' }),
        SystemStatusModule,
      ],
      controllers: API_CONTROLLERS.filter((c) => c !== SystemStatusController),
      providers: [
        DocumentTransferService,
        PublicViewCache,
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        // Every route needs a valid token unless it is marked @Public(); then the allowances (in this order).
        { provide: APP_GUARD, useClass: HttpAuthGuard },
        ...RATE_LIMIT_PROVIDERS,
        { provide: APP_PIPE, useFactory: gatewayValidationPipe },
      ],
    };
  }
}
