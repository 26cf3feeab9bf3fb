import { loadServiceConfig } from '@berkas/config';
import { bootstrapService } from '@berkas/messaging';
import { AppModule } from './app/app.module';

const config = loadServiceConfig('gateway');
void bootstrapService({ service: 'gateway', module: AppModule.register(config), http: config.http });
