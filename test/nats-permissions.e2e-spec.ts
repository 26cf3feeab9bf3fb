import { randomUUID } from 'node:crypto';
import { AckPolicy, connect, type NatsConnection } from 'nats';
import { natsConnectAs, type NatsUserName } from '@berkas/testing';
import { startSystem, type RunningSystem } from './support/system';

const envelope = (subject: string, data: unknown = {}) =>
  JSON.stringify({ pattern: subject, data, id: randomUUID() });

/**
 * NATS itself keeps every service to its part, with the users and permissions worked out from
 * proto/ (scripts/lib/nats-auth.cjs), on the real nats-server the whole system runs on: nobody
 * connects without credentials, and a service's user cannot answer, publish or subscribe where
 * another's may.
 */
describe('NATS users and permissions', () => {
  let system: RunningSystem;
  const open: NatsConnection[] = [];
  const as = async (user: NatsUserName) => {
    const nc = await connect({ servers: system.natsUrl, ...natsConnectAs(system.natsCredentials, user) });
    open.push(nc);
    return nc;
  };
  /** What NATS says to a request: 'answered', or the error code (a refusal here is the bus's own). */
  const ask = (nc: NatsConnection, subject: string, data?: unknown) =>
    nc.request(subject, envelope(subject, data), { timeout: 3000 }).then(
      () => 'answered',
      (e: { code?: string }) => e.code ?? 'failed',
    );
  /** Whether NATS lets `nc` subscribe to `subject` (the refusal comes back on the subscription). */
  const subscribes = async (nc: NatsConnection, subject: string) => {
    const sub = nc.subscribe(subject);
    const refused = (async () => {
      try {
        for await (const _ of sub) break;
        return false;
      } catch (e) {
        return (e as { code?: string }).code === 'PERMISSIONS_VIOLATION';
      }
    })();
    await nc.flush();
    const verdict = await Promise.race([
      refused,
      new Promise<boolean>((r) => setTimeout(() => r(false), 500)),
    ]);
    sub.unsubscribe();
    return !verdict;
  };

  beforeAll(async () => {
    system = await startSystem();
  });
  afterAll(async () => {
    await Promise.all(open.map((nc) => nc.close()));
    await system?.stop();
  });

  it('refuses a connection without credentials, or with another service’s password', async () => {
    const anonymous = await connect({ servers: system.natsUrl, reconnect: false }).catch((e) => e.code);
    expect(anonymous).toBe('AUTHORIZATION_VIOLATION');
    const borrowed = await connect({
      servers: system.natsUrl,
      reconnect: false,
      user: 'permits',
      pass: system.natsCredentials!.tracking.password,
    }).catch((e) => e.code);
    expect(borrowed).toBe('AUTHORIZATION_VIOLATION');
  });

  it('lets each service call only what declares it, and ask for its own service tokens only', async () => {
    const [gateway, tracking, permits] = [await as('gateway'), await as('tracking'), await as('permits')];
    // The gateway calls what people and anyone may call, never what only a service may.
    expect(await ask(gateway, 'tracking.dossiers.public-view', { trackingNumber: 'x' })).toBe('answered');
    expect(await ask(gateway, 'tracking.dossiers.activate')).toBe('PERMISSIONS_VIOLATION');
    expect(await ask(gateway, 'identity.staff.members-of-role')).toBe('PERMISSIONS_VIOLATION');
    expect(await ask(gateway, 'identity.service-tokens.permits', { audience: 'tracking' })).toBe(
      'PERMISSIONS_VIOLATION',
    );
    // A service gets tokens in its own name only.
    expect(await ask(tracking, 'identity.service-tokens.tracking', { audience: 'identity' })).toBe(
      'answered',
    );
    expect(await ask(tracking, 'identity.service-tokens.permits', { audience: 'identity' })).toBe(
      'PERMISSIONS_VIOLATION',
    );
    // permits may open and activate dossiers; tracking may not call permits at all, nor people's subjects.
    expect(await ask(permits, 'tracking.dossiers.activate', { trackingNumber: 'x' })).toBe('answered');
    expect(await ask(tracking, 'permits.applications.get', { id: randomUUID() })).toBe(
      'PERMISSIONS_VIOLATION',
    );
    expect(await ask(tracking, 'identity.auth.login', { username: 'a', password: 'b' })).toBe(
      'PERMISSIONS_VIOLATION',
    );
  });

  it('lets a service answer only its own subjects, and read no one else’s replies', async () => {
    const [gateway, tracking] = [await as('gateway'), await as('tracking')];
    expect(await subscribes(tracking, 'tracking.dossiers.get')).toBe(true);
    expect(await subscribes(tracking, 'permits.applications.get')).toBe(false);
    expect(await subscribes(tracking, 'identity.>')).toBe(false);
    expect(await subscribes(gateway, 'identity.auth.login')).toBe(false); // no man in the middle
    expect(await subscribes(gateway, '_INBOX.>')).toBe(false);
    expect(await subscribes(tracking, '_INBOX_gateway.>')).toBe(false); // people's tokens travel in replies
  });

  it('lets a service publish only its own events, and read only the events it declares', async () => {
    const [identity, tracking, gateway, auditor] = [
      await as('identity'),
      await as('tracking'),
      await as('gateway'),
      await as('auditor'),
    ];
    const js = (nc: NatsConnection) => nc.jetstream();
    const forged = js(tracking)
      .publish('evt.permits.application-changed', '{}')
      .catch((e) => e.code);
    expect(await forged).toBe('PERMISSIONS_VIOLATION');
    expect(
      await js(identity)
        .publish('evt.tracking.dossier-closed', '{}')
        .catch((e) => e.code),
    ).toBe('PERMISSIONS_VIOLATION');
    const consumer = (nc: NatsConnection, filter: string) =>
      nc
        .jetstreamManager()
        .then((jsm) =>
          jsm.consumers.add('BERKAS_EVENTS', {
            name: `probe-${randomUUID().slice(0, 8)}`,
            filter_subject: filter,
            ack_policy: AckPolicy.None,
          }),
        )
        .then(
          () => 'created',
          (e: { code?: string }) => e.code ?? 'failed',
        );
    expect(await consumer(gateway, 'evt.identity.sessions-revoked')).toBe('created');
    expect(await consumer(gateway, 'evt.permits.>')).toBe('PERMISSIONS_VIOLATION');
    expect(await consumer(tracking, 'evt.identity.staff-changed')).toBe('PERMISSIONS_VIOLATION');
    // The auditor reads everything and writes nothing.
    expect(await consumer(auditor, 'evt.>')).toBe('created');
    expect(
      await js(auditor)
        .publish('evt.identity.agency-changed', '{}')
        .catch((e) => e.code),
    ).toBe('PERMISSIONS_VIOLATION');
    expect(await ask(auditor, 'identity.ping')).toBe('PERMISSIONS_VIOLATION');
  });
});
