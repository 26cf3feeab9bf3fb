import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ConfigModule, type ServiceConfig } from '@berkas/config';
import { NatsModule, NatsReadiness } from '@berkas/messaging';
import { HealthModule, LoggingModule, MetricsModule } from '@berkas/observability';
import { ProblemDetailsFilter } from './errors/problem-details.filter';
import { SystemStatusModule } from './system-status/system-status.module';

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
        HealthModule.forRoot([NatsReadiness]),
        SystemStatusModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}
