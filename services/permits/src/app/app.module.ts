import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from '@berkas/auth';
import type { ServiceConfig } from '@berkas/config';
import { backendCore } from '@berkas/messaging';
import { StorageModule, StorageReadiness } from '@berkas/storage';
import { PERMITS_MIGRATIONS } from '../migrations';
import { ApplicationRecord } from './applications/application.entity';
import { Holiday } from './calendar/holiday.entity';
import { WorkflowVersionRecord } from './catalog/catalog.entity';
import { PermitsModule } from './permits.module';
import { TaskRecord } from './tasks/task.entity';
import { IssuedPermitRecord } from './issued/issued-permit.entity';

export const PERMITS_ENTITIES = [
  WorkflowVersionRecord,
  Holiday,
  ApplicationRecord,
  TaskRecord,
  IssuedPermitRecord,
];

@Module({})
export class AppModule {
  static register(config: ServiceConfig<'permits'>): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...backendCore({
          service: 'permits',
          config,
          entities: PERMITS_ENTITIES,
          migrations: PERMITS_MIGRATIONS,
          imports: [StorageModule],
          readiness: [StorageReadiness],
        }),
        // Verifies callers' access tokens against identity's public keys, fetched over NATS.
        AuthModule.forRoot({ service: 'permits' }),
        PermitsModule,
      ],
    };
  }
}
