import { loadServiceConfig } from '@berkas/config';
import { runService } from '@berkas/messaging';
import { AppModule } from './app/app.module';

const config = loadServiceConfig('gateway');
bootstrapService({ service: 'gateway', module: AppModule.register(config), http: config.http }).catch((e: unknown) => {
  process.stderr.write(`gateway failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
