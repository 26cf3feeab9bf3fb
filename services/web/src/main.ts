import { loadServiceConfig } from '@berkas/config';
import { runService } from '@berkas/messaging';
import { AppModule } from './app/app.module';
import { frontDoor } from './app/front-door';

const config = loadServiceConfig('web');
runService({
  service: 'web',
  module: AppModule.register(config),
  http: { port: config.http.port, host: config.http.host },
  bodyParser: false,
  configure: (app) => frontDoor(app, config.http),
});
