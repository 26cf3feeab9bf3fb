import { loadServiceConfig } from '@berkas/config';
import { runService } from '@berkas/messaging';
import { API_CONTROLLERS, AppModule } from './app/app.module';
import { serveApiDocs } from './app/openapi/api-docs';
import { hardenHttp } from './app/protection/harden-http';

const config = loadServiceConfig('gateway');
runService({
  service: 'gateway',
  module: AppModule.register(config),
  http: config.http,
  configure: (app) => {
    hardenHttp(app, config.http);
    serveApiDocs(app, API_CONTROLLERS, config.http.publicUrl);
  },
});
