// The harness of notifications' integration specs (`*.integration.spec.ts`), not a spec itself: its
// name ends in .spec.ts so that the build leaves it out and lint lets it use the test helpers, and
// jest.config.js skips src/testing/ when looking for specs.
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { connect, headers, type NatsConnection } from 'nats';
import { DataSource } from 'typeorm';
import * as auth from '@berkas/auth';
import { loadConfig, SERVICE_CONFIG, type ServiceConfig } from '@berkas/config';
import { cloudEvent, type EventMap, type EventSubject } from '@berkas/contracts';
import { bootstrapService } from '@berkas/messaging';
import {
  dropDatabase,
  freePort,
  NatsResponder,
  startPrivateNats,
  startProviderStandIns,
  TEST_INFRA,
  uniqueName,
  type PrivateMailSink,
  type PrivateNats,
  type PrivateSmsGateway,
  type PrivateWhatsApp,
} from '@berkas/testing';
import { AppModule } from '../app/app.module';

export interface NotificationsUnderTest {
  natsUrl: string;
  /** Stands in for permits and identity, every fixture and request held to proto/. */
  responder: NatsResponder;
  db: DataSource;
  mail: PrivateMailSink;
  sms: PrivateSmsGateway;
  whatsapp: PrivateWhatsApp;
  /** Publishes an event on JetStream as its owner's outbox relay would (the event id as Nats-Msg-Id). */
  publish<S extends EventSubject>(type: S, data: EventMap[S], id?: string): Promise<string>;
  /** One of the service's own providers, to drive what runs on a timer (a digest's pass). */
  service<T>(type: new (...args: never[]) => T): T;
  stop(): Promise<void>;
}

/**
 * Notifications in-process (its AppModule, as main.ts starts it) on a fresh PostgreSQL database, a
 * private nats-server with JetStream, and the project's own SMTP sink, SMS gateway and WhatsApp Cloud
 * API stand-ins; a NatsResponder answers for permits and identity. Seconds to start; one per spec file.
 */
export async function startNotificationsUnderTest(): Promise<NotificationsUnderTest> {
  const database = uniqueName('berkas_test_ntf_alone');
  const started: {
    nats?: PrivateNats;
    responder?: NatsResponder;
    app?: INestApplication;
    nc?: NatsConnection;
    stands: Array<{ stop(): Promise<void> }>;
  } = { stands: [] };
  const stop = async () => {
    await started.nc?.close();
    await started.app?.close();
    await started.responder?.stop();
    await Promise.all(started.stands.map((s) => s.stop()));
    await started.nats?.stop();
    await dropDatabase(database);
  };
  try {
    started.nats = await startPrivateNats();
    const responder = (started.responder = await NatsResponder.start(started.nats.url, {
      standsInFor: ['identity', 'permits'],
      auth,
    }));
    const providers = await startProviderStandIns(join(__dirname, '..', '..', 'data', 'templates.json'));
    started.stands.push(providers);
    const { mail, sms, whatsapp } = providers;
    const { sections, defaults } = SERVICE_CONFIG.notifications;
    const config = loadConfig(
      sections,
      {
        NATS_URL: started.nats.url,
        DATABASE_URL: TEST_INFRA.databaseUrl,
        DATABASE_NAME: database,
        HTTP_PORT: String(await freePort()),
        HTTP_HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        PUBLIC_URL: 'https://berkas.example.id',
        ...providers.envFor('notifications'),
        MESSAGE_RETRY_BASE_MS: '100',
      },
      defaults,
    ) as ServiceConfig<'notifications'>;
    started.app = await bootstrapService({
      service: 'notifications',
      module: AppModule.register(config),
      http: config.http,
      nats: config.nats,
    });
    const nc = (started.nc = await connect({ servers: started.nats.url }));
    const js = nc.jetstream();
    return {
      natsUrl: started.nats.url,
      responder,
      db: started.app.get(DataSource),
      mail,
      sms,
      whatsapp,
      publish: async (type, data, id) => {
        const event = cloudEvent(type, data, { source: `/berkas/${type.split('.')[1]}`, id });
        const h = headers();
        h.set('Nats-Msg-Id', event.id);
        await js.publish(type, JSON.stringify(event), { headers: h });
        return event.id;
      },
      service: (type) => (started.app as INestApplication).get(type),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
