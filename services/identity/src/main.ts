import { loadServiceConfig } from '@berkas/config';
import { bootstrapService } from '@berkas/messaging';
import { AppModule } from './app/app.module';

const config = loadServiceConfig('identity');
void bootstrapService({
  service: 'identity',
  module: AppModule.register(config),
  http: config.http,
  nats: config.nats,
});
