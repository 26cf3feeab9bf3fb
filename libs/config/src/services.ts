// The workspace's one package.json is the version of every service; tsc copies it into each build.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { version } from '../../../package.json';
import {
  DatabaseEnv,
  GatewayHttpEnv,
  HttpEnv,
  IdentityEnv,
  MailEnv,
  NatsEnv,
  NotificationsEnv,
  PermitsEnv,
  RuntimeEnv,
  S3Env,
  SmsEnv,
  WebEnv,
  WhatsAppEnv,
  WebSessionEnv,
} from './sections';
import { loadConfigOrExit, type ConfigSections, type LoadedConfig } from './load-config';

export const APP_VERSION: string = process.env['BERKAS_VERSION'] ?? version;

const backend = { runtime: RuntimeEnv, http: HttpEnv, database: DatabaseEnv, nats: NatsEnv };

/** Which sections each service reads, and its defaults; one table for operators and the deploy test. */
export const SERVICE_CONFIG = {
  // The gateway streams document bytes to and from object storage; tracking keeps the records.
  gateway: {
    sections: { runtime: RuntimeEnv, http: GatewayHttpEnv, nats: NatsEnv, s3: S3Env },
    defaults: {},
  },
  // Identity sends one-time codes and account notices itself, by email or SMS.
  identity: {
    sections: { ...backend, identity: IdentityEnv, mail: MailEnv, sms: SmsEnv },
    defaults: { HTTP_PORT: '3101', DATABASE_NAME: 'berkas_identity' },
  },
  tracking: {
    sections: { ...backend, s3: S3Env },
    defaults: { HTTP_PORT: '3102', DATABASE_NAME: 'berkas_tracking' },
  },
  // The pages people use; they reach the backends only through the gateway's API, as the person.
  // Its own database holds sessions only (who is signed in, their tokens), never a citizen's file.
  web: {
    sections: { runtime: RuntimeEnv, http: WebEnv, database: DatabaseEnv, session: WebSessionEnv },
    defaults: { DATABASE_NAME: 'berkas_web' },
  },
  // Permits stores the issued permit's PDF in the dossier and signs its QR code.
  permits: {
    sections: { ...backend, s3: S3Env, permits: PermitsEnv },
    defaults: { HTTP_PORT: '3103', DATABASE_NAME: 'berkas_permits' },
  },
  // Notifications tells people what happened to their files: email, WhatsApp and SMS, each provider's
  // delivery reports coming back through the gateway.
  notifications: {
    sections: {
      ...backend,
      notifications: NotificationsEnv,
      mail: MailEnv,
      sms: SmsEnv,
      whatsapp: WhatsAppEnv,
    },
    defaults: { HTTP_PORT: '3104', DATABASE_NAME: 'berkas_notifications' },
  },
} satisfies Record<string, { sections: ConfigSections; defaults: Record<string, string> }>;

export type ServiceName = keyof typeof SERVICE_CONFIG;
export type ServiceConfig<N extends ServiceName> = LoadedConfig<(typeof SERVICE_CONFIG)[N]['sections']>;

export function loadServiceConfig<N extends ServiceName>(name: N): ServiceConfig<N> {
  const { sections, defaults } = SERVICE_CONFIG[name];
  return loadConfigOrExit(sections, defaults as Record<string, string>) as ServiceConfig<N>;
}
