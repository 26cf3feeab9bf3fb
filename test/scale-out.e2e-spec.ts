import request from 'supertest';
import { bearer, demo, officer, people, type Api } from './support/api';
import { startScaledSystem, type ScaledSystem } from './support/scaled-system';

const BACKENDS = ['identity', 'tracking', 'permits'] as const;

/**
 * Two replicas of each service on a 3-node NATS cluster: requests spread over the replicas, and
 * when one replica of each is killed, and then a NATS node, the system keeps serving.
 */
describe('scale-out on a NATS cluster', () => {
  let system: ScaledSystem;
  let api: Api;
  let the: ReturnType<typeof people>;

  beforeAll(async () => {
    system = await startScaledSystem(2);
    api = request(system.gatewayUrl);
    the = people(api);
  }, 180000);
  afterAll(() => system?.stop());

  /** Which replica answered each backend's ping, over `n` health checks. */
  const spread = async (n: number) => {
    const counts: Record<string, Record<string, number>> = { identity: {}, tracking: {}, permits: {} };
    for (let i = 0; i < n; i++) {
      const health = (await request(system.gatewayInternalUrl).get('/health/services').expect(200)).body;
      for (const s of BACKENDS) {
        const id = health.services[s].instanceId as string;
        counts[s][id] = (counts[s][id] ?? 0) + 1;
      }
    }
    return counts;
  };

  /** A citizen's application from draft to the officer's first action, through whichever replicas answer. */
  const walkAnApplication = async (eventsWithinMs = 20000) => {
    const citizen = await the.signIn(demo.person.email);
    const fo = await the.signIn(officer('DPMPTSP', 'front-office'));
    const app = await the.readySip(citizen);
    const tn = (await api.post(`/api/v1/applications/${app.id}/submit`).set(bearer(citizen)).expect(200)).body
      .trackingNumber as string;
    expect((await the.act(fo, app.id, 'complete')).status).toBe(200);
    // The event reaches tracking through JetStream (replicated on three nodes) and one consumer replica.
    await the.trackUntil(tn, (v) => v.currentStages[0]?.agency.code === 'DINKES', eventsWithinMs);
  };

  it('spreads requests over the replicas of each service', async () => {
    const counts = await spread(60);
    process.stdout.write(`scale-out: answers per replica over 60 health checks ${JSON.stringify(counts)}\n`);
    for (const s of BACKENDS) {
      const perReplica = Object.values(counts[s]);
      expect([s, perReplica.length]).toEqual([s, 2]);
      expect(Math.min(...perReplica)).toBeGreaterThanOrEqual(10); // both take a real share
    }
    await walkAnApplication();
  });

  it('keeps working when one replica of each service is killed', async () => {
    for (const s of BACKENDS) {
      const victim = system.replicas.find((r) => r.service === s && r.index === 0)!;
      const exited = new Promise((r) => victim.process.once('exit', r));
      victim.process.kill('SIGKILL');
      await exited;
    }
    const counts = await spread(20);
    for (const s of BACKENDS) expect([s, Object.keys(counts[s]).length]).toEqual([s, 1]);
    await walkAnApplication();
  });

  it('keeps working when a NATS node crashes and comes back', async () => {
    await system.nats.restart(1);
    await spread(10);
    // Requests move to the other nodes at once; a consumer that pulled through the dead node needs a
    // few seconds (its pull's heartbeat) to notice and pull through another.
    const started = Date.now();
    await walkAnApplication(60000);
    process.stdout.write(
      `scale-out: a file walked end to end ${Date.now() - started} ms after the NATS node restart\n`,
    );
  });
});
