import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { connect, headers, type NatsConnection } from 'nats';
import { AppError, assertSchema, HEADERS, type Agency, type Principal } from '@berkas/contracts';
import { startPrivateNats, type PrivateNats } from './nats-server';
import { applicantPrincipal, NatsResponder, officerPrincipal, type TokenConventions } from './nats-responder';

// libs/auth's conventions restated for this spec alone (libs/testing may not import libs/auth): the
// services' specs hand the real module in, and their own TokenVerifier checks what the stand-in signs.
const auth: TokenConventions = {
  TOKEN_ISSUER: 'berkas-identity',
  TOKEN_AUDIENCE: 'berkas',
  TOKEN_ALGORITHM: 'EdDSA',
  SERVICE_TOKEN_TTL_SECONDS: 300,
  claimsFor: ({ id, ...principal }) => ({ sub: id, principal }),
  principalFromPayload: (p) =>
    assertSchema<Principal>('Principal', { ...(p['principal'] as object), id: p.sub }, 'token principal'),
  serviceAudience: (service) => `berkas-service:${service}`,
};

const agency: Agency = {
  id: randomUUID(),
  regionCode: '3271',
  code: 'DPMPTSP',
  name: 'Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu',
  parentId: null,
  active: true,
  units: [],
};
const TRACKING_NUMBER = '3271-26-7K4Q-X9M2-D';

interface NestReply {
  id: string;
  response?: unknown;
  err?: { code: string; status: number; message: string; details?: unknown };
  isDisposed: boolean;
}

// The stand-in on a real nats-server, asked in the envelope and headers ServiceClient sends.
describe('NatsResponder', () => {
  let nats: PrivateNats;
  let responder: NatsResponder;
  let nc: NatsConnection;

  /** A request as ServiceClient sends it, with a person's or a service's token. */
  async function ask(
    subject: string,
    data: unknown,
    credential: { token?: string; serviceToken?: string } = {},
  ): Promise<NestReply> {
    const hdrs = headers();
    hdrs.set(HEADERS.requestId, 'spec');
    if (credential.token) hdrs.set(HEADERS.authorization, `Bearer ${credential.token}`);
    if (credential.serviceToken) hdrs.set(HEADERS.service, `Bearer ${credential.serviceToken}`);
    const id = randomUUID();
    const msg = await nc.request(subject, JSON.stringify({ pattern: subject, data, id }), {
      headers: hdrs,
      timeout: 5000,
    });
    const reply = msg.json<NestReply>();
    expect(reply).toMatchObject({ id, isDisposed: true });
    return reply;
  }
  const problemsOf = () =>
    responder.verify().then(
      () => '',
      (e: Error) => e.message,
    );

  beforeAll(async () => {
    nats = await startPrivateNats();
    responder = await NatsResponder.start(nats.url, { standsInFor: ['identity', 'tracking'], auth });
    nc = await connect({ servers: nats.url });
  });
  afterEach(async () => {
    responder.clearCalls();
    await responder.verify();
  });
  afterAll(async () => {
    await nc?.close();
    await responder?.stop();
    await nats?.stop();
  });

  it('refuses fixtures and principals that break proto/ when they are given', async () => {
    expect(() => responder.on('identity.agencies.get', { ...agency, active: 'yes' } as never)).toThrow(
      /The fixture of identity.agencies.get breaks its schema Agency \(proto\/\):\n {4}\/active: must be boolean/,
    );
    expect(() =>
      responder.on('identity.agencies.get', new AppError('ALREADY_CLOSED', 409, 'closed')),
    ).toThrow(/answers ALREADY_CLOSED, which proto\/ does not declare for it \(its errors: NOT_FOUND/);
    expect(() => responder.on('permits.applications.get', new AppError('NOT_FOUND', 404, 'x'))).toThrow(
      /belongs to permits, which this responder does not stand in for/,
    );
    expect(() => responder.on('identity.nothing' as never, {} as never)).toThrow(/no request subject/);
    await expect(
      responder.accessToken({ kind: 'applicant', id: 'x', roles: ['mayor' as never] }),
    ).rejects.toThrow(
      /The principal x breaks its schema Principal \(proto\/\):\n {4}\/roles\/0: must be equal to one of/,
    );
  });

  it("answers in a Nest microservice's envelope, replies and errors alike, and records who asked what", async () => {
    responder.on('identity.agencies.get', (req) =>
      req.code === agency.code ? agency : new AppError('NOT_FOUND', 404, `No agency ${req.code}`),
    );
    const officer = officerPrincipal(agency, ['front-office']);
    const token = await responder.accessToken(officer);
    expect(
      await ask('identity.agencies.get', { regionCode: '3271', code: 'DPMPTSP' }, { token }),
    ).toMatchObject({
      response: agency,
    });
    expect(
      await ask('identity.agencies.get', { regionCode: '3271', code: 'DISHUB' }, { token }),
    ).toMatchObject({
      err: { code: 'NOT_FOUND', status: 404, message: 'No agency DISHUB' },
    });
    expect(responder.calls('identity.agencies.get')).toEqual([
      {
        subject: 'identity.agencies.get',
        payload: { regionCode: '3271', code: 'DPMPTSP' },
        caller: { kind: 'user', principal: officer },
        requestId: 'spec',
      },
      expect.objectContaining({ payload: { regionCode: '3271', code: 'DISHUB' } }),
    ]);
  });

  it("plays identity's token side: its keys verify the tokens it signs, and services are told from people", async () => {
    const jwks = (await ask('identity.jwks.get', {})).response as Parameters<typeof createLocalJWKSet>[0];
    const person = applicantPrincipal();
    const { payload } = await jwtVerify(await responder.accessToken(person), createLocalJWKSet(jwks), {
      issuer: auth.TOKEN_ISSUER,
      audience: auth.TOKEN_AUDIENCE,
    });
    expect(auth.principalFromPayload(payload)).toEqual(person);

    const issued = (await ask('identity.service-tokens.permits', { audience: 'tracking' })).response as {
      token: string;
    };
    responder.on('tracking.dossiers.get', new AppError('NOT_FOUND', 404, 'No such dossier'));
    expect(
      await ask('tracking.dossiers.get', { trackingNumber: TRACKING_NUMBER }, { serviceToken: issued.token }),
    ).toMatchObject({ err: { code: 'NOT_FOUND' } });
    expect(responder.calls('tracking.dossiers.get')[0].caller).toEqual({
      kind: 'service',
      service: 'permits',
    });

    // A token permits got for identity is no credential at tracking.
    const forIdentity = await responder.serviceToken('permits', 'identity');
    expect(
      await ask(
        'tracking.dossiers.get',
        { trackingNumber: TRACKING_NUMBER },
        { serviceToken: forIdentity.token },
      ),
    ).toMatchObject({ err: { code: 'UNAUTHENTICATED', status: 401 } });
    expect(await problemsOf()).toMatch(
      /tracking.dossiers.get: the service token does not verify for tracking/,
    );
  });

  it('fails the test on a subject without fixture, a reply or request beside proto/, and a caller proto/ refuses', async () => {
    const token = await responder.accessToken(applicantPrincipal());
    expect(
      await ask('tracking.dossiers.history', { trackingNumber: TRACKING_NUMBER }, { token }),
    ).toMatchObject({
      err: { code: 'INTERNAL', status: 500 },
    });
    expect(await problemsOf()).toMatch(/No fixture answers tracking.dossiers.history \(asked by applicant /);

    responder.on('tracking.dossiers.get', () => ({ id: randomUUID() }) as never);
    expect(await ask('tracking.dossiers.get', { trackingNumber: TRACKING_NUMBER }, { token })).toMatchObject({
      err: { status: 500 },
    });
    expect(await problemsOf()).toMatch(
      /The fixture of tracking.dossiers.get breaks its schema Dossier \(proto\/\):\n {4}\/trackingNumber: must have required property 'trackingNumber'/,
    );

    expect(await ask('tracking.dossiers.get', { trackingNumber: 42 }, { token })).toMatchObject({
      err: { code: 'VALIDATION_FAILED', status: 400, details: [{ path: '/trackingNumber' }] },
    });
    expect(await ask('identity.agencies.get', { regionCode: '3271', code: 'DPMPTSP' })).toMatchObject({
      err: { code: 'UNAUTHENTICATED', status: 401 },
    });
    expect(
      await ask('identity.agencies.get', { regionCode: '3271', code: 'DPMPTSP' }, { token }),
    ).toMatchObject({
      err: { code: 'CALLER_NOT_ALLOWED', status: 403 },
    });
    const problems = await problemsOf();
    expect(problems).toMatch(/The request on tracking.dossiers.get breaks its schema TrackingNumberRequest/);
    expect(problems).toMatch(/identity.agencies.get was called by anonymous/);
    expect(problems).toMatch(
      /identity.agencies.get was called by applicant .*"services":\["tracking","permits"\]/,
    );
    expect(await problemsOf()).toBe(''); // told once, then forgotten
  });
});
