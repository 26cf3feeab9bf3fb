import type { ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  dropDatabase,
  freePort,
  natsEnvFor,
  startNatsCluster,
  startPrivateS3,
  startProviderStandIns,
  TEST_INFRA,
  uniqueName,
  type NatsCluster,
  type ProviderStandIns,
} from '@berkas/testing';
import { launcher, WHATSAPP_TEMPLATES, type BackendName } from './launcher';

export interface Replica {
  service: BackendName | 'gateway';
  index: number;
  process: ChildProcess;
  httpPort: number;
  env: Record<string, string>;
}

export interface ScaledSystem {
  gatewayUrl: string;
  /** The gateway's internal port: metrics, probes and the operator's report of every replica. */
  gatewayInternalUrl: string;
  nats: NatsCluster;
  replicas: Replica[];
  databases: Record<BackendName, string>;
  /** The SMTP sink, SMS gateway and WhatsApp Cloud API the replicas send to: what people were sent. */
  providers: ProviderStandIns;
  logDir: string;
  /** Kills the replica as a crash does (SIGKILL) and starts it again; resolves once it is ready. */
  crashAndRestart(replica: Replica): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Berkas as a city runs it: a 3-node NATS cluster with JetStream (events kept on all three), `count`
 * replicas of each backend in their queue groups on one database per service, and the gateway in
 * front. Each replica lists the NATS nodes in a different order, so connections spread too.
 */
const BACKENDS = ['identity', 'tracking', 'permits', 'notifications'] as const;

export async function startScaledSystem(count = 2): Promise<ScaledSystem> {
  const nats = await startNatsCluster(3, { users: true }); // each service its own user, as in production
  const s3 = await startPrivateS3();
  const providers = await startProviderStandIns(WHATSAPP_TEMPLATES);
  const run = uniqueName('scale');
  const databases = {
    identity: `berkas_${run}_identity`,
    tracking: `berkas_${run}_tracking`,
    permits: `berkas_${run}_permits`,
    notifications: `berkas_${run}_notifications`,
  };
  const logDir = join(launcher.root, 'tmp', 'e2e-logs', run);
  mkdirSync(logDir, { recursive: true });
  const gatewayPort = await freePort();
  const gatewayInternalPort = await freePort();
  // Meta posts its delivery reports to the public address: here the gateway itself.
  await providers.whatsapp.webhookTo(`http://127.0.0.1:${gatewayPort}/api/v1/delivery-reports/whatsapp`);
  const replicas: Replica[] = [];
  const spawnReplica = (replica: Replica) => {
    const log = createWriteStream(join(logDir, `${replica.service}-${replica.index}.log`), { flags: 'a' });
    replica.process = launcher.spawnService(replica.service, replica.env, (_svc, line) =>
      log.write(`${line}\n`),
    );
    replica.process.once('exit', () => log.end());
  };
  const start = async (service: Replica['service'], index: number) => {
    const httpPort = await freePort();
    const rotated = [...nats.urls.slice(index % 3), ...nats.urls.slice(0, index % 3)];
    const env: Record<string, string> = {
      ...natsEnvFor(nats.credentials, service),
      NATS_URL: rotated.join(','),
      EVENTS_REPLICAS: '3',
      DATABASE_URL: TEST_INFRA.databaseUrl,
      S3_ENDPOINT: '127.0.0.1',
      S3_PORT: String(s3.port),
      LOG_LEVEL: 'info',
      PUBLIC_URL: `http://127.0.0.1:${gatewayPort}`,
      RATE_LIMIT_LOOKUPS: '100000',
      RATE_LIMIT_SIGN_INS: '100000',
      RATE_LIMIT_REQUESTS: '100000',
      ...(service === 'gateway'
        ? { PORT: String(gatewayPort), INTERNAL_PORT: String(gatewayInternalPort) }
        : { HTTP_PORT: String(httpPort), DATABASE_NAME: databases[service] }),
      ...(service === 'identity' ? { DEMO_DATA: 'true' } : {}),
      ...providers.envFor(service),
    };
    const replica = {
      service,
      index,
      httpPort: service === 'gateway' ? gatewayPort : httpPort,
      env,
    } as Replica;
    spawnReplica(replica);
    replicas.push(replica);
  };
  // One replica of each first, so migrations and demo data happen once, then the second ones.
  for (const service of BACKENDS) await start(service, 0);
  await start('gateway', 0);
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const stop = async () => {
    await launcher.stopAll(replicas.map((r) => r.process));
    await nats.stop();
    await s3.stop();
    await providers.stop();
    await Promise.all(Object.values(databases).map((db) => dropDatabase(db)));
  };
  try {
    const dead = () => replicas.some((r) => r.process.exitCode !== null);
    await launcher.waitForHealthy(`${gatewayUrl}/health`, 90000, dead);
    for (let i = 1; i < count; i++) for (const service of BACKENDS) await start(service, i);
    for (const r of replicas.filter((x) => x.index > 0))
      await launcher.waitForHealthy(`http://127.0.0.1:${r.httpPort}/health/ready`, 90000, dead);
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\nservice logs: ${logDir}`);
  }
  const crashAndRestart = async (replica: Replica) => {
    const exited = new Promise((r) => replica.process.once('exit', r));
    replica.process.kill('SIGKILL');
    await exited;
    spawnReplica(replica);
    const path = replica.service === 'gateway' ? '/health' : '/health/ready';
    await launcher.waitForHealthy(
      `http://127.0.0.1:${replica.httpPort}${path}`,
      90000,
      () => replica.process.exitCode !== null,
    );
  };
  const gatewayInternalUrl = `http://127.0.0.1:${gatewayInternalPort}`;
  return {
    gatewayUrl,
    gatewayInternalUrl,
    nats,
    replicas,
    databases,
    providers,
    logDir,
    crashAndRestart,
    stop,
  };
}
