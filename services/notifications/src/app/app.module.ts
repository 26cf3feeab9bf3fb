import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from '@berkas/auth';
import type { ServiceConfig } from '@berkas/config';
import { backendCore } from '@berkas/messaging';
import { NOTIFICATIONS_MIGRATIONS } from '../migrations';
import { NOTIFICATIONS_ENTITIES } from './messages/message.entity';
import { NotificationsModule } from './notifications.module';

@Module({})
export class AppModule {
  static register(config: ServiceConfig<'notifications'>): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...backendCore({
          service: 'notifications',
          config,
          entities: NOTIFICATIONS_ENTITIES,
          migrations: NOTIFICATIONS_MIGRATIONS,
        }),
        // Verifies callers' access tokens against identity's public keys; asks identity for its own.
        AuthModule.forRoot({ service: 'notifications' }),
        NotificationsModule,
      ],
    };
  }
}
