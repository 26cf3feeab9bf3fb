import { connect, type NatsConnection } from 'nats';
import { startPrivateNats, waitFor, type PrivateNats } from '@berkas/testing';
import { SharedCounters } from './shared-counters';

// Replicas' counters on one real nats-server with JetStream: one allowance between them.
describe('shared counters', () => {
  let nats: PrivateNats;
  const connections: NatsConnection[] = [];
  const counters: SharedCounters[] = [];
  const replica = async (stream: string, windowMs = 60_000) => {
    const nc = await connect({ servers: nats.url });
    connections.push(nc);
    const c = new SharedCounters(nc, { stream, windowMs, flushMs: 20, replicas: 1 });
    counters.push(c);
    await c.start();
    return c;
  };
  /** Waits until every replica knows of `n` hits. */
  const agreeOn = (n: number, scope: string, subject: string, ...replicas: SharedCounters[]) =>
    waitFor(() => replicas.every((r) => r.used(scope, subject) === n), 5000, 10);

  beforeAll(async () => {
    nats = await startPrivateNats();
  });
  afterAll(async () => {
    counters.forEach((c) => c.close());
    await Promise.all(connections.map((c) => c.close()));
    await nats?.stop();
  });

  it('gives two replicas one allowance, not one each', async () => {
    const [a, b] = [await replica('SPEC_ONE'), await replica('SPEC_ONE')];
    const client = '203.0.113.7';
    const verdicts = [];
    for (let i = 0; i < 6; i++) verdicts.push(a.hit('lookups', client, 10));
    await a.flush();
    await agreeOn(6, 'lookups', client, a, b);
    for (let i = 0; i < 5; i++) verdicts.push(b.hit('lookups', client, 10));
    expect(verdicts.map((v) => v.allowed)).toEqual([...Array(10).fill(true), false]);
    expect(verdicts[9]).toMatchObject({ remaining: 0, limit: 10 });
    expect(verdicts[10].resetSeconds).toBeGreaterThan(0);
    await b.flush();
    await agreeOn(10, 'lookups', client, a, b);
    expect(a.hit('lookups', client, 10).allowed).toBe(false);
    // Another client, and another scope, have their own counts.
    expect(b.hit('lookups', '203.0.113.8', 10).allowed).toBe(true);
    expect(b.hit('sign-ins', client, 10).allowed).toBe(true);
  });

  it('loses no hit when both replicas count at once, and a replica that starts later reads the window back', async () => {
    const [a, b] = [await replica('SPEC_TWO'), await replica('SPEC_TWO')];
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 7; i++) {
        a.hit('requests', 'officer-1', 1000);
        b.hit('requests', 'officer-1', 1000);
      }
      await Promise.all([a.flush(), b.flush()]);
    }
    await agreeOn(70, 'requests', 'officer-1', a, b);
    const late = await replica('SPEC_TWO');
    expect(late.used('requests', 'officer-1')).toBe(70);
    expect(late.hit('requests', 'officer-1', 1000).remaining).toBe(1000 - 71);
  });

  it('starts a new count each window, and keeps counting locally when NATS is gone', async () => {
    const a = await replica('SPEC_THREE', 300);
    for (let i = 0; i < 3; i++) expect(a.hit('lookups', 'c', 3).allowed).toBe(true);
    expect(a.hit('lookups', 'c', 3).allowed).toBe(false);
    await new Promise((r) => setTimeout(r, 350));
    expect(a.hit('lookups', 'c', 3).allowed).toBe(true);

    const gone = await connect({ servers: nats.url });
    await gone.close();
    const lonely = new SharedCounters(gone, {
      stream: 'SPEC_THREE',
      windowMs: 60_000,
      flushMs: 20,
      replicas: 1,
    });
    await lonely.start(); // does not throw: counts on alone
    for (let i = 0; i < 2; i++) expect(lonely.hit('lookups', 'd', 2).allowed).toBe(true);
    await lonely.flush();
    expect(lonely.hit('lookups', 'd', 2).allowed).toBe(false);
  });
});
