import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from '@berkas/auth';
import type { ServiceConfig } from '@berkas/config';
import { backendCore } from '@berkas/messaging';
import { StorageModule, StorageReadiness } from '@berkas/storage';
import { TRACKING_MIGRATIONS } from '../migrations';

@Module({})
export class AppModule {
  static register(config: ServiceConfig<'tracking'>): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...backendCore({
          service: 'tracking',
          config,
          entities: [],
          migrations: TRACKING_MIGRATIONS,
          imports: [StorageModule],
          readiness: [StorageReadiness],
        }),
        // Verifies callers' access tokens against identity's public keys, fetched over NATS.
        AuthModule.forRoot(),
      ],
    };
  }
}
