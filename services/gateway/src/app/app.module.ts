import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AuthModule, HttpAuthGuard } from '@berkas/auth';
import { ConfigModule, type ServiceConfig } from '@berkas/config';
import { NatsModule, NatsReadiness } from '@berkas/messaging';
import { HealthModule, LoggingModule, MetricsModule } from '@berkas/observability';
import { StorageModule, StorageReadiness } from '@berkas/storage';
import { ProblemDetailsFilter } from './errors/problem-details.filter';
import { SystemStatusModule } from './system-status/system-status.module';
import { AdminController } from './admin/admin.controller';
import { AuthController } from './auth/auth.controller';
import { DocumentTransferService } from './tracking/document-transfer.service';
import { ScanController } from './pages/scan.controller';
import { VerifyController } from './pages/verify.controller';
import { PermitsController } from './permits/permits.controller';
import { TrackingController } from './tracking/tracking.controller';
import { gatewayValidationPipe } from './validation/validation.pipe';

@Module({})
export class AppModule {
  static register(config: ServiceConfig<'gateway'>): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot('gateway', config.runtime),
        MetricsModule.forRoot('gateway'),
        NatsModule.forRoot('gateway'),
        StorageModule,
        HealthModule.forRoot([NatsReadiness, StorageReadiness]),
        AuthModule.forRoot(),
        SystemStatusModule,
      ],
      controllers: [
        AuthController,
        AdminController,
        TrackingController,
        ScanController,
        VerifyController,
        PermitsController,
      ],
      providers: [
        DocumentTransferService,
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        // Every route needs a valid token unless it is marked @Public().
        { provide: APP_GUARD, useClass: HttpAuthGuard },
        { provide: APP_PIPE, useFactory: gatewayValidationPipe },
      ],
    };
  }
}
