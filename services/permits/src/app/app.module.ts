import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from '@berkas/auth';
import type { ServiceConfig } from '@berkas/config';
import { backendCore } from '@berkas/messaging';
import { PERMITS_MIGRATIONS } from '../migrations';

@Module({})
export class AppModule {
  static register(config: ServiceConfig<'permits'>): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...backendCore({ service: 'permits', config, entities: [], migrations: PERMITS_MIGRATIONS }),
        // Verifies callers' access tokens against identity's public keys, fetched over NATS.
        AuthModule.forRoot(),
      ],
    };
  }
}
