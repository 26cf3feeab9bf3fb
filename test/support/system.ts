import type { ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import {
  dropDatabase,
  freePort,
  startPrivateNats,
  startPrivateS3,
  startProviderStandIns,
  TEST_INFRA,
  uniqueName,
  natsEnvFor,
  type NatsCredentials,
  type PrivateMailSink,
  type PrivateNats,
  type PrivateS3,
  type PrivateSmsGateway,
  type PrivateWhatsApp,
} from '@berkas/testing';

import { undocumentedProblems } from './documented-problems';
import { launcher, WHATSAPP_TEMPLATES, type BackendName, type ServiceName } from './launcher';

export type { BackendName, ServiceName };

export interface RunningSystem {
  gatewayUrl: string;
  /** The pages (and, forwarded, the API): the one address a newcomer opens. */
  webUrl: string;
  /** The gateway's internal port: metrics, probes and the operator's report of every service. */
  gatewayInternalUrl: string;
  /** The origin download links are signed for (S3_PUBLIC_URL), as browsers reach the object store. */
  s3PublicUrl: string;
  /** The SMTP sink identity's mail goes to, and the SMS gateway its SMS go to: what people were sent. */
  mail: PrivateMailSink;
  sms: PrivateSmsGateway;
  /** The WhatsApp Business Cloud API the notifications service sends to; it reports back by webhook. */
  whatsapp: PrivateWhatsApp;
  natsUrl: string;
  /** Every service's NATS user and password, and `auditor`'s (reads the event stream only). */
  natsCredentials: NatsCredentials | undefined;
  httpPorts: Record<ServiceName, number>;
  databases: Record<BackendName | 'web', string>;
  processes: Record<ServiceName, ChildProcess>;
  logs: Record<ServiceName, string[]>;
  /** Where each service's log lines were written, for diagnosis after a failure. */
  logDir: string;
  /** Starts one more gateway replica on the same system (e.g. with other settings); answers its URL. */
  extraGateway(env?: Record<string, string>): Promise<string>;
  /** Starts one more replica of the pages, on the same sessions database; answers its URL. */
  extraWeb(env?: Record<string, string>): Promise<string>;
  /** Stops everything; fails if the gateway answered a refusal its OpenAPI document does not list. */
  stop(): Promise<void>;
}

/**
 * Starts the four built services as real processes against real PostgreSQL (fresh databases), a
 * private nats-server with JetStream and a private s3rver, and waits until the gateway reports every
 * service healthy. Private servers keep a test run from sharing queue groups with a running Berkas.
 */
export interface SystemOptions {
  /** Extra settings per service, e.g. a low rate limit for the gateway. */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  /**
   * false: a bus without users, where anyone may send anything (to test what the services themselves
   * refuse, whatever NATS lets through). By default each service has its NATS user, as in production.
   */
  natsUsers?: boolean;
  /** Options of the WhatsApp stand-in (--not-on-whatsapp +62899, --out-of-order…). */
  whatsapp?: string[];
}

export async function startSystem(options: SystemOptions = {}): Promise<RunningSystem> {
  // NATS as in production: each service its own user, with the permissions proto/ gives it.
  const nats: PrivateNats = await startPrivateNats({ users: options.natsUsers ?? true });
  const s3: PrivateS3 = await startPrivateS3();
  const providers = await startProviderStandIns(WHATSAPP_TEMPLATES, options.whatsapp);
  const { mail, sms, whatsapp } = providers;
  const run = uniqueName('e2e');
  const databases = {
    identity: `berkas_${run}_identity`,
    tracking: `berkas_${run}_tracking`,
    permits: `berkas_${run}_permits`,
    notifications: `berkas_${run}_notifications`,
    web: `berkas_${run}_web`,
  };
  const httpPorts = {} as Record<ServiceName, number>;
  for (const name of launcher.SERVICES) httpPorts[name] = await freePort();
  // Meta posts its delivery reports to the public address, which forwards /api to the gateway.
  await whatsapp.webhookTo(`http://127.0.0.1:${httpPorts.web}/api/v1/delivery-reports/whatsapp`);
  const internalPort = await freePort();
  const webInternalPort = await freePort();
  // Another spelling of the same server than S3_ENDPOINT, so a test sees which one links carry.
  const s3PublicUrl = `http://localhost:${s3.port}`;
  const logDir = join(launcher.root, 'tmp', 'e2e-logs', run);
  mkdirSync(logDir, { recursive: true });

  const logs = {} as Record<ServiceName, string[]>;
  const envs = {} as Record<ServiceName, Record<string, string>>;
  const extras: ChildProcess[] = [];
  const files = {} as Record<ServiceName, WriteStream>;
  const processes = {} as Record<ServiceName, ChildProcess>;
  const shared = {
    NATS_URL: nats.url,
    DATABASE_URL: TEST_INFRA.databaseUrl,
    S3_ENDPOINT: '127.0.0.1',
    S3_PORT: String(s3.port),
    S3_PUBLIC_URL: s3PublicUrl,
    LOG_LEVEL: 'debug',
    LOG_PRETTY: 'false',
  };
  for (const name of launcher.SERVICES) {
    logs[name] = [];
    files[name] = createWriteStream(join(logDir, `${name}.log`));
    const env: Record<string, string> =
      name === 'web'
        ? { LOG_LEVEL: 'debug', LOG_PRETTY: 'false' }
        : { ...shared, ...natsEnvFor(nats.credentials, name) };
    env['PUBLIC_URL'] = `http://127.0.0.1:${httpPorts.web}`; // links in QR codes lead to the pages
    if (name === 'web') {
      // The one address of `npm start`: the pages, with the gateway's paths forwarded.
      Object.assign(env, {
        PORT: String(httpPorts.web),
        INTERNAL_PORT: String(webInternalPort),
        API_URL: `http://127.0.0.1:${httpPorts.gateway}`,
        SERVE_API: 'true',
        DATABASE_URL: TEST_INFRA.databaseUrl,
        DATABASE_NAME: databases.web,
      });
    } else if (name === 'gateway') {
      env['PORT'] = String(httpPorts.gateway);
      env['INTERNAL_PORT'] = String(internalPort);
    } else {
      env['HTTP_PORT'] = String(httpPorts[name]);
      env['DATABASE_NAME'] = databases[name];
    }
    // Late tasks are looked for every 2 seconds, so a journey that ages one sees it escalated soon.
    if (name === 'permits') env['SLA_SCAN_SECONDS'] = '2';
    if (name === 'identity') env['DEMO_DATA'] = 'true'; // journeys sign in with the demo accounts
    Object.assign(env, providers.envFor(name));
    if (name === 'notifications') env['MESSAGE_RETRY_BASE_MS'] = '200'; // retries a test can wait for
    if (name === 'gateway') {
      // Journeys poll the public view; rate limits get their own test with low limits.
      env['RATE_LIMIT_LOOKUPS'] = '100000';
      env['RATE_LIMIT_SIGN_INS'] = '100000';
      env['RATE_LIMIT_REQUESTS'] = '100000';
    }
    Object.assign(env, options.env?.[name] ?? {});
    envs[name] = env;
    processes[name] = launcher.spawnService(name, env, (svc, line) => {
      logs[svc as ServiceName].push(line);
      files[svc as ServiceName].write(`${line}\n`);
    });
  }

  const gatewayUrl = `http://127.0.0.1:${httpPorts.gateway}`;
  const webUrl = `http://127.0.0.1:${httpPorts.web}`;
  let document: Parameters<typeof undocumentedProblems>[0] | undefined;
  const stop = async () => {
    await launcher.stopAll([...extras, ...Object.values(processes)]);
    const outsideContract = document ? undocumentedProblems(document, logs.gateway) : [];
    Object.values(files).forEach((f) => f.end());
    await nats.stop();
    await s3.stop();
    await providers.stop();
    await Promise.all(Object.values(databases).map((db) => dropDatabase(db)));
    if (outsideContract.length)
      throw new Error(
        `the gateway answered refusals its OpenAPI document does not list:\n${outsideContract.join('\n')}`,
      );
  };
  try {
    const dead = () => Object.values(processes).some((p) => p.exitCode !== null);
    await launcher.waitForHealthy(`${gatewayUrl}/health`, 90000, dead);
    await launcher.waitForHealthy(`http://127.0.0.1:${webInternalPort}/health/ready`, 30000, dead);
    document = await (await fetch(`${gatewayUrl}/docs/openapi.json`)).json();
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\nservice logs: ${logDir}`);
  }
  const extraReplica = async (name: 'gateway' | 'web', env: Record<string, string>) => {
    const [port, internal] = [await freePort(), await freePort()];
    const replica = launcher.spawnService(
      name,
      { ...envs[name], ...env, PORT: String(port), INTERNAL_PORT: String(internal) },
      (_svc, line) => files[name].write(`${line}\n`),
    );
    extras.push(replica);
    const url = `http://127.0.0.1:${port}`;
    const health = name === 'web' ? `http://127.0.0.1:${internal}/health/ready` : `${url}/health`;
    await launcher.waitForHealthy(health, 60000, () => replica.exitCode !== null);
    return url;
  };
  return {
    extraGateway: (env = {}) => extraReplica('gateway', env),
    extraWeb: (env = {}) => extraReplica('web', env),
    gatewayUrl,
    webUrl,
    gatewayInternalUrl: `http://127.0.0.1:${internalPort}`,
    s3PublicUrl,
    mail,
    sms,
    whatsapp,
    natsUrl: nats.url,
    natsCredentials: nats.credentials,
    httpPorts,
    databases,
    processes,
    logs,
    logDir,
    stop,
  };
}
