import { loadConfig, SERVICE_CONFIG, type ServiceConfig } from '@berkas/config';
import { controllersOf, handledSubjects, ownedSubjects } from '@berkas/testing';
import { AppModule } from './app.module';

describe('notifications on NATS', () => {
  it('answers exactly the request subjects proto/ gives it, each with the contract its handler is typed by', () => {
    const { sections, defaults } = SERVICE_CONFIG.notifications;
    const config = loadConfig(
      sections,
      { DATABASE_NAME: 'unused' },
      defaults,
    ) as ServiceConfig<'notifications'>;
    expect(handledSubjects(controllersOf(AppModule.register(config)))).toEqual(
      ownedSubjects('notifications'),
    );
  });
});
