import { loadServiceConfig } from '@berkas/config';
import { runService } from '@berkas/messaging';
import { AppModule } from './app/app.module';

const config = loadServiceConfig('notifications');
runService({
  service: 'notifications',
  module: AppModule.register(config),
  http: config.http,
  nats: config.nats,
});
