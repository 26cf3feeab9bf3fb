import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ConfigModule, type ServiceConfig } from '@berkas/config';
import { HealthModule, InternalHttpModule, LoggingModule, MetricsModule } from '@berkas/observability';
import { ApiModule } from './api/api.module';
import { ApiReadiness } from './api/api-readiness';
import { CatalogPagesController } from './pages/catalog-pages.controller';
import { DossierPageController } from './pages/dossier-page.controller';
import { PageErrorFilter } from './pages/page-error.filter';
import { PublicPagesController } from './pages/public-pages.controller';
import { PageRenderer } from './views/page-renderer';

/** The pages people use. No database and no bus: everything it shows comes from the JSON API. */
@Module({})
export class AppModule {
  static register(config: ServiceConfig<'web'>): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        ApiModule,
        LoggingModule.forRoot('web', config.runtime),
        // The pages' port is public: metrics and probes answer on the internal port only.
        MetricsModule.forRoot('web', { internalOnly: true }),
        HealthModule.forRoot([ApiReadiness], { internalOnly: true }),
        InternalHttpModule.forRoot({ port: config.http.internalPort, host: config.http.host }),
      ],
      controllers: [PublicPagesController, CatalogPagesController, DossierPageController],
      providers: [PageRenderer, { provide: APP_FILTER, useClass: PageErrorFilter }],
    };
  }
}
