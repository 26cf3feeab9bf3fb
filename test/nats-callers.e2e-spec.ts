import { randomUUID } from 'node:crypto';
import { connect, headers as natsHeaders, type NatsConnection } from 'nats';
import request from 'supertest';
import {
  callerAllowed,
  callersOf,
  HEADERS,
  REQUESTS,
  type RequestSubject,
  type ServiceName,
} from '@berkas/contracts';
import { demo, officer, people } from './support/api';
import { startSystem, type RunningSystem } from './support/system';

/** Who calls, on the bus: a person's token, a service's own token, or nothing. */
type Caller = 'anonymous' | 'applicant' | 'officer' | 'systemAdmin' | 'permits' | 'tracking';
const CALLERS: Caller[] = ['anonymous', 'applicant', 'officer', 'systemAdmin', 'permits', 'tracking'];

/**
 * Every request subject × every kind of caller, straight on NATS (as any process on the bus could
 * send it), each sent with an empty payload: the caller gate runs before the payload is checked, so
 * a refusal here is the gate's (401 nobody known, 403 CALLER_NOT_ALLOWED) and anything else means
 * the caller got through to the contract check or the handler.
 */
describe('callers on NATS: every subject × every kind of caller', () => {
  let system: RunningSystem;
  let nc: NatsConnection;
  const tokens: Partial<Record<Caller, string>> = {};
  const serviceTokens: Partial<Record<ServiceName, Partial<Record<ServiceName, string>>>> = {};

  /** A request as raw as a stranger on the bus can make it: Nest's envelope, our headers, no client checks. */
  async function send(subject: string, data: unknown, set: Record<string, string> = {}) {
    const hdrs = natsHeaders();
    for (const [k, v] of Object.entries(set)) hdrs.set(k, v);
    const msg = await nc.request(subject, JSON.stringify({ pattern: subject, data, id: randomUUID() }), {
      timeout: 5000,
      headers: hdrs,
    });
    return msg.json<{ response?: unknown; err?: { status: number; code: string } }>();
  }

  /** A token identity signs for `service` to show `audience`, asked on the service's own subject. */
  async function serviceToken(service: 'permits' | 'tracking', audience: ServiceName): Promise<string> {
    serviceTokens[service] ??= {};
    const known = serviceTokens[service]![audience];
    if (known) return known;
    const reply = await send(`identity.service-tokens.${service}`, { audience });
    const token = (reply.response as { token: string }).token;
    serviceTokens[service]![audience] = token;
    return token;
  }

  async function headersOf(caller: Caller, subject: RequestSubject): Promise<Record<string, string>> {
    if (caller === 'anonymous') return {};
    if (caller === 'permits' || caller === 'tracking')
      return { [HEADERS.service]: `Bearer ${await serviceToken(caller, REQUESTS[subject].service)}` };
    return { [HEADERS.authorization]: `Bearer ${tokens[caller]}` };
  }

  beforeAll(async () => {
    // A bus without users: what the services refuse here, they refuse whatever NATS lets through.
    // (That NATS itself lets through only what proto/ declares: nats-permissions.e2e-spec.)
    system = await startSystem({ natsUsers: false });
    nc = await connect({ servers: system.natsUrl });
    const the = people(request(system.gatewayUrl));
    tokens.applicant = await the.signIn(demo.person.email);
    tokens.officer = await the.signIn(officer('DPMPTSP', 'front-office'));
    tokens.systemAdmin = await the.signIn(demo.staff.find((s) => s.roles.includes('system-admin'))!.email);
  });
  afterAll(async () => {
    await nc?.close();
    await system?.stop();
  });

  it('declares who may call every subject, next to its contract', () => {
    const undeclared = (Object.keys(REQUESTS) as RequestSubject[]).filter((s) => !REQUESTS[s].callers);
    expect(undeclared).toEqual([]);
  });

  it('lets through exactly the callers each subject declares, before anything else', async () => {
    const mismatches: string[] = [];
    let cells = 0;
    const principals = {
      applicant: { kind: 'applicant' as const, id: 'a' },
      officer: { kind: 'staff' as const, id: 'o', roles: ['front-office' as const] },
      systemAdmin: {
        kind: 'staff' as const,
        id: 's',
        roles: ['system-admin' as const, 'agency-admin' as const],
      },
    };
    for (const subject of Object.keys(REQUESTS) as RequestSubject[]) {
      const declared = callersOf(subject);
      if (declared.natsUser) continue; // a service's own credentials: NATS alone guards those
      for (const caller of CALLERS) {
        const as =
          caller === 'anonymous'
            ? ({ kind: 'anonymous' } as const)
            : caller === 'permits' || caller === 'tracking'
              ? ({ kind: 'service', service: caller } as const)
              : ({ kind: 'user', principal: principals[caller] } as const);
        const want = callerAllowed(declared, as);
        const reply = await send(subject, {}, await headersOf(caller, subject));
        cells++;
        const refusedBy =
          reply.err?.status === 401 ? 401 : reply.err?.code === 'CALLER_NOT_ALLOWED' ? 403 : 'ok';
        if (refusedBy !== want)
          mismatches.push(
            `${subject} as ${caller}: wanted ${want}, got ${reply.err ? `${reply.err.status} ${reply.err.code}` : 'an answer'}`,
          );
      }
    }
    process.stdout.write(`callers on NATS: ${cells} cells\n`);
    expect(mismatches).toEqual([]);
    // Spot checks of what the table must mean.
    const activate = (caller: Caller) =>
      headersOf(caller, 'tracking.dossiers.activate').then((h) =>
        send('tracking.dossiers.activate', { trackingNumber: '3271-26-7K4Q-X9M2-H' }, h),
      );
    expect((await activate('officer')).err).toMatchObject({ status: 403, code: 'CALLER_NOT_ALLOWED' });
    expect((await activate('anonymous')).err).toMatchObject({ status: 401 });
    expect((await activate('permits')).err).toMatchObject({ status: 400 }); // through the gate; the number's check fails
  });

  it('refuses a service token shown to a service it was not signed for, and a made-up one', async () => {
    const forTracking = await serviceToken('permits', 'tracking');
    const elsewhere = await send(
      'identity.staff.members-of-role',
      { agencyId: randomUUID(), role: 'verifier' },
      {
        [HEADERS.service]: `Bearer ${forTracking}`,
      },
    );
    expect(elsewhere.err).toMatchObject({ status: 401 });
    const madeUp = await send(
      'tracking.dossiers.activate',
      { trackingNumber: '3271-26-7K4Q-X9M2-H' },
      {
        [HEADERS.service]: 'Bearer not.a.token',
      },
    );
    expect(madeUp.err).toMatchObject({ status: 401 });
    // A person's token is no service's.
    const person = await send(
      'tracking.dossiers.activate',
      { trackingNumber: '3271-26-7K4Q-X9M2-H' },
      {
        [HEADERS.service]: `Bearer ${tokens.officer}`,
      },
    );
    expect(person.err).toMatchObject({ status: 401 });
  });
});
