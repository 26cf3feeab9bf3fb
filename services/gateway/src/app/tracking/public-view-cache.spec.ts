import { connect, type NatsConnection } from 'nats';
import { GatewayHttpEnv } from '@berkas/config';
import type { PublicView } from '@berkas/contracts';
import type { ServiceClient } from '@berkas/messaging';
import { startPrivateNats, waitFor, type PrivateNats } from '@berkas/testing';
import { PublicViewCache } from './public-view-cache';

const NUMBER = '3271-26-7K4Q-X9M2-D';
const view = (holder: string): PublicView =>
  ({ trackingNumber: NUMBER, status: 'open', holder: { code: holder, name: holder } }) as PublicView;

/**
 * Tracking's answers are scripted (each lookup takes the next holder), the signals travel through a
 * real nats-server, exactly as tracking publishes them after a commit.
 */
describe('PublicViewCache', () => {
  let nats: PrivateNats;
  let nc: NatsConnection;
  let publisher: NatsConnection;

  beforeAll(async () => {
    nats = await startPrivateNats();
    nc = await connect({ servers: nats.url });
    publisher = await connect({ servers: nats.url });
  });
  afterAll(async () => {
    await nc?.close();
    await publisher?.close();
    await nats?.stop();
  });

  async function cacheWith(holders: string[], seconds = 30) {
    const asked: Array<() => void> = [];
    let calls = 0;
    const tracking = {
      request: () =>
        new Promise<PublicView>((resolve) => {
          const holder = holders[calls++];
          asked.push(() => resolve(view(holder)));
        }),
    } as unknown as ServiceClient;
    const env = Object.assign(new GatewayHttpEnv(), { publicViewCacheSeconds: seconds });
    const cache = new PublicViewCache(nc, tracking, env);
    cache.onApplicationBootstrap();
    await nc.flush(); // the server has the signal subscription before the test sends one
    const answer = () => asked.shift()?.();
    const answerNewest = () => asked.pop()?.();
    return { cache, answer, answerNewest, calls: () => calls };
  }
  const signal = async () => {
    publisher.publish('sig.tracking.public-view-changed', JSON.stringify({ trackingNumber: NUMBER }));
    await publisher.flush();
  };

  it('answers a repeated lookup, typed any way, from memory, and concurrent ones with one request', async () => {
    const { cache, answer, calls } = await cacheWith(['DPMPTSP']);
    const first = cache.lookup(NUMBER);
    const second = cache.lookup(NUMBER.toLowerCase().replace(/-/g, ' '));
    answer();
    expect((await first).holder.code).toBe('DPMPTSP');
    expect((await second).holder.code).toBe('DPMPTSP');
    expect((await cache.lookup(NUMBER)).holder.code).toBe('DPMPTSP');
    expect(calls()).toBe(1);
  });

  it('forgets a view when tracking signals that the dossier changed', async () => {
    const { cache, answer, calls } = await cacheWith(['DPMPTSP', 'DPUPR']);
    const before = cache.lookup(NUMBER);
    answer();
    await before;
    await signal();
    const after = await waitFor(async () => {
      const next = cache.lookup(NUMBER);
      answer();
      const v = await next;
      return v.holder.code === 'DPUPR' ? v : null;
    }, 2000);
    expect(after.holder.code).toBe('DPUPR');
    expect(calls()).toBe(2);
  });

  it('does not keep or share what a lookup read before a change that landed while it was asked', async () => {
    const { cache, answer, answerNewest, calls } = await cacheWith(['DPMPTSP', 'DPUPR', 'DLH']);
    const stale = cache.lookup(NUMBER); // tracking read the old state…
    await signal(); // …and the change committed before its answer arrived
    // A lookup after the signal starts its own request instead of sharing the stale one.
    const { later } = await waitFor(() => {
      const next = cache.lookup(NUMBER);
      return calls() === 2 ? { later: next } : null;
    }, 2000);
    answerNewest(); // the later request answers first…
    expect((await later).holder.code).toBe('DPUPR');
    answer(); // …and the stale answer arrives last
    expect((await stale).holder.code).toBe('DPMPTSP');
    // What the later request read is kept; what the stale one read was not stored over it.
    expect((await cache.lookup(NUMBER)).holder.code).toBe('DPUPR');
    expect(calls()).toBe(2);
  });

  it('asks tracking every time when the cache is off', async () => {
    const { cache, answer, calls } = await cacheWith(['DPMPTSP', 'DPUPR'], 0);
    const one = cache.lookup(NUMBER);
    answer();
    await one;
    const two = cache.lookup(NUMBER);
    answer();
    expect((await two).holder.code).toBe('DPUPR');
    expect(calls()).toBe(2);
  });
});
