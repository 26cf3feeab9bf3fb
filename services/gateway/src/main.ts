import { loadServiceConfig } from '@berkas/config';
import { runService } from '@berkas/messaging';
import { AppModule } from './app/app.module';

const config = loadServiceConfig('gateway');
runService({ service: 'gateway', module: AppModule.register(config), http: config.http });
