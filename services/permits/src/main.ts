import { loadServiceConfig } from '@berkas/config';
import { bootstrapService } from '@berkas/messaging';
import { AppModule } from './app/app.module';

const config = loadServiceConfig('permits');
void bootstrapService({
  service: 'permits',
  module: AppModule.register(config),
  http: config.http,
  nats: config.nats,
});
