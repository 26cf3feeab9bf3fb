import { AckPolicy, connect, DeliverPolicy, type NatsConnection } from 'nats';
import request from 'supertest';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the workspace version every service reports
import { version } from '../package.json';
import { natsConnectAs, uniqueName, waitFor } from '@berkas/testing';
import { queryDatabase as query } from './support/db';
import { startSystem, type BackendName, type RunningSystem } from './support/system';

const BACKENDS: BackendName[] = ['identity', 'tracking', 'permits'];

describe('foundation: the services on real PostgreSQL, NATS and S3', () => {
  let system: RunningSystem;
  let nc: NatsConnection;

  beforeAll(async () => {
    system = await startSystem();
    // An operator's audit of the event stream: the one user that only reads it.
    nc = await connect({ servers: system.natsUrl, ...natsConnectAs(system.natsCredentials, 'auditor') });
  });

  afterAll(async () => {
    await nc?.close();
    await system?.stop();
  });

  it('answers GET /health once the gateway reached every service over NATS; the operator sees which replica', async () => {
    const res = await request(system.gatewayUrl)
      .get('/health')
      .set('x-request-id', 'e2e-health-0001')
      .expect(200);
    expect(res.headers['x-request-id']).toBe('e2e-health-0001');
    expect(res.body.status).toBe('ok');
    for (const service of BACKENDS)
      expect(res.body.services[service]).toEqual({ status: 'up', latencyMs: expect.any(Number) });
    const report = (await request(system.gatewayInternalUrl).get('/health/services').expect(200)).body;
    for (const service of BACKENDS) {
      const status = report.services[service];
      expect(status).toMatchObject({ status: 'up', version });
      // The instance id names the process that answered: it must be that service's own pid.
      expect(status.instanceId).toMatch(new RegExp(`:${system.processes[service].pid}$`));
    }
  });

  it('answers the pages and the API on one address, as npm start prints it', async () => {
    const front = request(system.webUrl);
    const home = await front.get('/').expect(200);
    expect(home.headers['content-type']).toMatch(/text\/html/);
    // The gateway's paths are forwarded to it untouched (as an ingress routes them in a cluster).
    const types = await front.get('/api/v1/permit-types').expect(200);
    expect(types.headers['content-type']).toMatch(/application\/json/);
    expect(types.body.items.map((t: { code: string }) => t.code)).toEqual(
      expect.arrayContaining(['SIP', 'PBG', 'REKLAME']),
    );
    expect((await front.get('/docs/openapi.json').expect(200)).body.openapi).toMatch(/^3\./);
    expect((await front.get('/health').expect(200)).body.status).toBe('ok');
    await front.get('/.well-known/jwks.json').expect(200);
    const problem = await front.post('/api/v1/auth/login').send({ username: 'x' }).expect(400);
    expect(problem.headers['content-type']).toMatch(/application\/problem\+json/);
    // Everything else is the pages', and what is the operator's stays off the public port.
    await front.get('/metrics').expect(404);
    await front.get('/health/ready').expect(404);
  });

  it('follows one request id from the gateway into every service it touched', async () => {
    const requestId = `e2e-trace-${Date.now()}`;
    await request(system.gatewayUrl).get('/health').set('x-request-id', requestId).expect(200);
    // The gateway logs its line when the response has gone out, so wait for all four.
    await waitFor(
      () =>
        (['gateway', ...BACKENDS] as const).every((s) => system.logs[s].some((l) => l.includes(requestId))),
      5000,
    );
    for (const service of ['gateway', ...BACKENDS] as const) {
      const lines = system.logs[service].filter((l) => l.includes(requestId)).map((l) => JSON.parse(l));
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.every((l) => l.requestId === requestId && l.service === service)).toBe(true);
    }
  });

  it('gives each service its own database with its migrations applied', async () => {
    for (const service of BACKENDS) {
      const migrations = await query<{ name: string }>(
        system.databases[service],
        'SELECT name FROM migrations ORDER BY id',
      );
      expect(migrations.map((m) => m.name)).toContain('CreateMessagingTables1763900000000');
      const tables = await query<{ table_name: string }>(
        system.databases[service],
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
      );
      expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['outbox', 'processed_events']));
    }
  });

  it('reports each replica ready with its own dependencies, and exposes metrics', async () => {
    for (const service of BACKENDS) {
      const ready = await request(`http://127.0.0.1:${system.httpPorts[service]}`)
        .get('/health/ready')
        .expect(200);
      expect(Object.keys(ready.body.checks)).toEqual(
        service === 'identity' ? ['postgres', 'nats'] : ['postgres', 'nats', 'object-storage'],
      );
      const metrics = await request(`http://127.0.0.1:${system.httpPorts[service]}`)
        .get('/metrics')
        .expect(200);
      expect(metrics.text).toContain(
        `berkas_rpc_handler_duration_seconds_count{service="${service}",subject="${service}.ping",outcome="ok"}`,
      );
    }
    // The gateway's port is public: its probes and metrics answer on the internal port only.
    await request(system.gatewayUrl).get('/health/live').expect(404);
    await request(system.gatewayInternalUrl).get('/health/live').expect(200);
  });

  it('delivers an outbox event exactly once to a JetStream consumer, even when the relay publishes it twice', async () => {
    const db = system.databases.identity;
    const [row] = await waitFor(async () => {
      const rows = await query<{ id: string }>(
        db,
        `SELECT id FROM outbox WHERE subject = 'evt.identity.service-started' AND sent_at IS NOT NULL`,
      );
      return rows.length ? rows : null;
    });

    // As if the relay died after JetStream acknowledged the publish but before the row was marked sent.
    await query(db, 'UPDATE outbox SET sent_at = NULL WHERE id = $1', [row.id]);
    const republished = await waitFor(async () => {
      const [r] = await query<{ sent_at: Date | null; attempts: number }>(
        db,
        'SELECT sent_at, attempts FROM outbox WHERE id = $1',
        [row.id],
      );
      return r.sent_at ? r : null;
    });
    expect(republished.attempts).toBe(2);

    const jsm = await nc.jetstreamManager();
    const durable = uniqueName('e2e_consumer');
    await jsm.consumers.add('BERKAS_EVENTS', {
      durable_name: durable,
      filter_subject: 'evt.identity.service-started',
      deliver_policy: DeliverPolicy.All,
      ack_policy: AckPolicy.Explicit,
    });
    const consumer = await nc.jetstream().consumers.get('BERKAS_EVENTS', durable);
    const ids: string[] = [];
    for (;;) {
      const batch = await consumer.fetch({ max_messages: 50, expires: 1000 });
      let n = 0;
      for await (const msg of batch) {
        n++;
        ids.push(JSON.parse(msg.string()).id);
        msg.ack();
      }
      if (n === 0) break;
    }
    expect(ids.filter((id) => id === row.id)).toHaveLength(1);
    // One started event per backend replica, each published once.
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('answers 503 naming the service that stopped, without hanging', async () => {
    system.processes.permits.kill('SIGTERM');
    await new Promise((r) => system.processes.permits.once('exit', r));
    const started = Date.now();
    const res = await request(system.gatewayUrl).get('/health').expect(503);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(res.body.status).toBe('degraded');
    expect(res.body.services.permits).toMatchObject({ status: 'down' });
    expect(res.body.services.identity).toMatchObject({ status: 'up' });
  });
});
