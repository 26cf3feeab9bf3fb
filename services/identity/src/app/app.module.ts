import { Module, type DynamicModule } from '@nestjs/common';
import type { ServiceConfig } from '@berkas/config';
import { backendCore } from '@berkas/messaging';
import { IDENTITY_MIGRATIONS } from '../migrations';

@Module({})
export class AppModule {
  static register(config: ServiceConfig<'identity'>): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...backendCore({ service: 'identity', config, entities: [], migrations: IDENTITY_MIGRATIONS }),
      ],
    };
  }
}
