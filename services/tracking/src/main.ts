import { loadServiceConfig } from '@berkas/config';
import { bootstrapService } from '@berkas/messaging';
import { AppModule } from './app/app.module';

const config = loadServiceConfig('tracking');
void bootstrapService({
  service: 'tracking',
  module: AppModule.register(config),
  http: config.http,
  nats: config.nats,
});
