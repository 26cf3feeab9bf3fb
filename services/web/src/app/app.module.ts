import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ConfigModule, type ServiceConfig } from '@berkas/config';
import { HealthModule, InternalHttpModule, LoggingModule, MetricsModule } from '@berkas/observability';
import { PersistenceModule, PostgresReadiness } from '@berkas/persistence';
import { CreateSessions1765000000000 } from '../migrations/1765000000000-CreateSessions';
import { ApiModule } from './api/api.module';
import { ApiReadiness } from './api/api-readiness';
import { CatalogPagesController } from './pages/catalog-pages.controller';
import { DossierPageController } from './pages/dossier-page.controller';
import { PageErrorFilter } from './pages/page-error.filter';
import { ApplicationWorkspace } from './apply/application-workspace';
import { PlaceDirectory } from './apply/region-places';
import { DocumentForwarder } from './apply/document-forwarder';
import { AccountPagesController } from './pages/account-pages.controller';
import { ApplyPagesController } from './pages/apply-pages.controller';
import { DocumentPagesController } from './pages/document-pages.controller';
import { DeskFileController } from './pages/desk-file.controller';
import { DeskPagesController } from './pages/desk-pages.controller';
import { OfficerFiles } from './desk/officer-file';
import { PaperDossiersController } from './pages/paper-dossiers.controller';
import { TeamPagesController } from './pages/team-pages.controller';
import { DeskBulkController } from './pages/desk-bulk.controller';
import { MyApplicationsController } from './pages/my-applications.controller';
import { PublicPagesController } from './pages/public-pages.controller';
import { CompanyPagesController } from './pages/company-pages.controller';
import { PasswordPagesController } from './pages/password-pages.controller';
import { CounterPagesController } from './pages/counter-pages.controller';
import { FollowUpPagesController } from './pages/follow-up-pages.controller';
import { StaffAdminPagesController } from './pages/staff-admin-pages.controller';
import { AgencyAdminPagesController } from './pages/agency-admin-pages.controller';
import { NoticeTemplatePagesController } from './pages/notice-template-pages.controller';
import { ClaimPagesController } from './pages/claim-pages.controller';
import {
  InvitationPagesController,
  RegistrationPagesController,
} from './pages/registration-pages.controller';
import { SignInPagesController } from './pages/sign-in-pages.controller';
import { PreferencePagesController, StopLinkPagesController } from './pages/notification-pages.controller';
import { FileMessagesReader } from './messages/file-messages';
import { SessionsModule } from './sessions/sessions.module';
import { SignIn } from './sessions/sign-in.entity';
import { AgencyDirectory } from './desk/agency-directory';
import { StageDirectory } from './desk/stage-directory';
import { SavedViews } from './desk/saved-views';
import { SavedDeskView } from './desk/saved-view.entity';
import { SavedDeskViews1767200000000 } from '../migrations/1767200000000-SavedDeskViews';
import { PageRenderer } from './views/page-renderer';

/**
 * The pages people use. No bus, and a database of sessions and officers' saved desk views only:
 * everything else it shows comes from the JSON API, called as the person in front of the page.
 */
@Module({})
export class AppModule {
  static register(config: ServiceConfig<'web'>): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        ApiModule,
        PersistenceModule.forRoot({
          entities: [SignIn, SavedDeskView],
          migrations: [CreateSessions1765000000000, SavedDeskViews1767200000000],
        }),
        SessionsModule,
        LoggingModule.forRoot('web', config.runtime),
        // The pages' port is public: metrics and probes answer on the internal port only.
        MetricsModule.forRoot('web', { internalOnly: true }),
        HealthModule.forRoot([ApiReadiness, PostgresReadiness], { internalOnly: true }),
        InternalHttpModule.forRoot({ port: config.http.internalPort, host: config.http.host }),
      ],
      controllers: [
        PublicPagesController,
        CatalogPagesController,
        DossierPageController,
        SignInPagesController,
        RegistrationPagesController,
        InvitationPagesController,
        AccountPagesController,
        PasswordPagesController,
        CompanyPagesController,
        MyApplicationsController,
        ApplyPagesController,
        DocumentPagesController,
        DeskPagesController,
        DeskFileController,
        PaperDossiersController,
        TeamPagesController,
        DeskBulkController,
        CounterPagesController,
        FollowUpPagesController,
        StaffAdminPagesController,
        AgencyAdminPagesController,
        NoticeTemplatePagesController,
        ClaimPagesController,
        PreferencePagesController,
        StopLinkPagesController,
      ],
      providers: [
        PageRenderer,
        ApplicationWorkspace,
        PlaceDirectory,
        DocumentForwarder,
        OfficerFiles,
        AgencyDirectory,
        StageDirectory,
        SavedViews,
        FileMessagesReader,
        { provide: APP_FILTER, useClass: PageErrorFilter },
      ],
    };
  }
}
