import { createLocalJWKSet, jwtVerify } from 'jose';
import { connect, headers, type NatsConnection } from 'nats';
import request from 'supertest';
import { natsConnectAs, waitFor } from '@berkas/testing';
import { codeMailedTo } from './support/api';
import { startSystem, type RunningSystem } from './support/system';

// eslint-disable-next-line @nx/enforce-module-boundaries -- the demo accounts npm start prints
import demo from '../services/identity/src/app/demo/demo-data.json';

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('identity through the gateway', () => {
  let system: RunningSystem;
  let api: ReturnType<typeof request>;
  let nc: NatsConnection;
  const citizen = {
    kind: 'person',
    name: 'Dedi Kurniawan',
    email: 'dedi.k@warga.example.id',
    nik: '3271042208850004',
    password: 'jalan suryakencana 12',
  };

  beforeAll(async () => {
    system = await startSystem();
    api = request(system.gatewayUrl);
    // Speaks on the bus as the gateway does.
    nc = await connect({ servers: system.natsUrl, ...natsConnectAs(system.natsCredentials, 'gateway') });
  });
  afterAll(async () => {
    await nc?.close();
    await system?.stop();
  });

  const login = async (username: string, password = demo.password) =>
    (await api.post('/api/v1/auth/login').send({ username, password }).expect(200)).body as {
      accessToken: string;
      refreshToken: string;
    };

  it('registers a citizen with the code mailed to them, signs them in, and tells who they are', async () => {
    const started = await api.post('/api/v1/auth/register').send(citizen).expect(202);
    expect(started.body).toMatchObject({ channel: 'email', sentTo: expect.stringMatching(/^\w{2}\*\*\*@/) });
    const registered = await api
      .post('/api/v1/auth/register/confirm')
      .send({ login: citizen.email, code: await codeMailedTo(system.mail, citizen.email) })
      .expect(201);
    expect(registered.body).toMatchObject({ kind: 'person', nik: citizen.nik, email: citizen.email });
    const tokens = await login(citizen.email, citizen.password);
    const me = await api.get('/api/v1/me').set('authorization', `Bearer ${tokens.accessToken}`).expect(200);
    expect(me.body.principal).toMatchObject({
      kind: 'applicant',
      id: registered.body.id,
      name: citizen.name,
    });
    expect(me.body.applicant.nik).toBe(citizen.nik);
  });

  it('answers bad input with a problem document naming the field', async () => {
    const res = await api
      .post('/api/v1/auth/register')
      .send({ ...citizen, email: 'other@warga.example.id', nik: '3271043102850004' })
      .expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      errors: [{ path: '/nik', message: expect.stringMatching(/birth date/) }],
    });
    const extra = await api
      .post('/api/v1/auth/login')
      .send({ username: 'a@b.id', password: 'x', remember: true })
      .expect(400);
    expect(extra.body.errors).toEqual([{ path: '/remember', message: 'is not allowed' }]);
    const query = await api
      .get('/api/v1/admin/staff?agencyId=nope&limit=abc')
      .set('authorization', `Bearer ${(await login(demo.staff[0].email)).accessToken}`)
      .expect(400);
    expect(query.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/agencyId', '/limit']);
  });

  it('refuses missing, forged, unsigned and wrongly signed tokens', async () => {
    expect((await api.get('/api/v1/me').expect(401)).body.code).toBe('UNAUTHENTICATED');
    await api.get('/api/v1/me').set('authorization', 'Bearer not-a-token').expect(401);
    const real = (await login(demo.person.email)).accessToken;
    const [, payload] = real.split('.');
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`;
    await api.get('/api/v1/me').set('authorization', `Bearer ${unsigned}`).expect(401);
    const elevated = JSON.parse(Buffer.from(payload, 'base64url').toString());
    elevated.principal.roles = ['system-admin'];
    const tampered = `${real.split('.')[0]}.${b64(elevated)}.${real.split('.')[2]}`;
    await api.get('/api/v1/me').set('authorization', `Bearer ${tampered}`).expect(401);
  });

  it('publishes the keys so anyone can verify a token offline', async () => {
    const jwks = await api.get('/.well-known/jwks.json').expect(200);
    expect(jwks.headers['cache-control']).toContain('max-age');
    const token = (await login(demo.staff[1].nip)).accessToken;
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks.body), {
      issuer: 'berkas-identity',
      audience: 'berkas',
    });
    expect(payload).toMatchObject({ principal: { kind: 'staff', agencyCode: 'DPMPTSP', region: '3271' } });
  });

  it('rotates refresh tokens and signs out', async () => {
    const first = await login(demo.person.email);
    const second = (
      await api.post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200)
    ).body;
    expect(
      (await api.post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(401)).body
        .code,
    ).toBe('REFRESH_TOKEN_REUSED');
    await api.post('/api/v1/auth/refresh').send({ refreshToken: second.refreshToken }).expect(401);
    const third = await login(demo.person.email);
    expect(
      (await api.post('/api/v1/auth/logout').send({ refreshToken: third.refreshToken }).expect(200)).body,
    ).toEqual({ revoked: 1 });
  });

  it('keeps admin routes to admins, and each admin to their own agency', async () => {
    const applicant = (await login(demo.person.email)).accessToken;
    await api.get('/api/v1/agencies').set('authorization', `Bearer ${applicant}`).expect(403);
    const dlhAdmin = (
      await login(demo.staff.find((s) => s.agency === 'DLH' && s.roles.includes('agency-admin'))!.email)
    ).accessToken;
    const agencies = (
      await api.get('/api/v1/agencies?limit=10').set('authorization', `Bearer ${dlhAdmin}`).expect(200)
    ).body;
    const dlh = agencies.items.find((a: { code: string }) => a.code === 'DLH');
    const dpupr = agencies.items.find((a: { code: string }) => a.code === 'DPUPR');
    const staff = await api
      .get(`/api/v1/admin/staff?agencyId=${dlh.id}`)
      .set('authorization', `Bearer ${dlhAdmin}`)
      .expect(200);
    expect(staff.body.items.map((s: { name: string }) => s.name)).toContain('Fajar Nugroho');
    await api
      .patch(`/api/v1/admin/agencies/${dpupr.id}`)
      .set('authorization', `Bearer ${dlhAdmin}`)
      .send({ name: 'Dinas PUPR (renamed by the wrong admin)' })
      .expect(403);
    await api.get('/api/v1/admin/staff/not-a-uuid').set('authorization', `Bearer ${dlhAdmin}`).expect(400);
  });

  it('lets the other services verify the same token themselves, with keys fetched from identity', async () => {
    const token = (await login(demo.staff[1].email)).accessToken;
    const ask = async (authorization: string) => {
      const h = headers();
      h.set('authorization', authorization);
      const msg = await nc.request(
        'tracking.ping',
        JSON.stringify({ pattern: 'tracking.ping', data: {}, id: '1' }),
        { timeout: 5000, headers: h },
      );
      return JSON.parse(msg.string());
    };
    expect((await ask(`Bearer ${token}`)).response).toMatchObject({ service: 'tracking' });
    expect((await ask(`Bearer ${token.slice(0, -3)}abc`)).err).toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
    });
  });

  const NEW_PASSWORD = 'gang kelinci nomor tujuh';
  const NEWER_PASSWORD = 'taman kencana di sore hari';
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  /** The newest mail to `to` once it says `what` (mail arrives a moment after the answer). */
  const mailSaying = (to: string, what: RegExp) =>
    waitFor(async () => {
      const text = (await system.mail.messages(to))[0]?.text;
      return text && what.test(text) ? text : null;
    }, 10000);

  it('resets a forgotten password with the code sent; every sign-in ends and the owner is told', async () => {
    const before = await login(citizen.email, citizen.password);
    const started = await api.post('/api/v1/auth/password-reset').send({ login: citizen.email }).expect(202);
    // Nobody learns from the answer whether an address has an account: the same shape, no mail.
    const stranger = await api
      .post('/api/v1/auth/password-reset')
      .send({ login: 'tidak.ada@warga.example.id' })
      .expect(202);
    expect(Object.keys(stranger.body).sort()).toEqual(Object.keys(started.body).sort());
    const code = /\b(\d{6})\b/.exec(await mailSaying(citizen.email, /atur ulang kata sandi/i))![1];

    const reset = (body: object) => api.post('/api/v1/auth/password-reset/confirm').send(body);
    const wrong = code === '000000' ? '111111' : '000000';
    expect(
      (await reset({ login: citizen.email, code: wrong, password: NEW_PASSWORD }).expect(400)).body.code,
    ).toBe('INVALID_CODE');
    // A weak password is refused without spending the code.
    const weak = await reset({ login: citizen.email, code, password: 'password123' }).expect(400);
    expect(weak.body.errors).toEqual([expect.objectContaining({ path: '/password' })]);
    const done = await reset({ login: citizen.email, code, password: NEW_PASSWORD }).expect(200);
    expect(done.body.signedOut).toBeGreaterThanOrEqual(1);
    await reset({ login: citizen.email, code, password: NEW_PASSWORD }).expect(400); // used once only

    await api.post('/api/v1/auth/refresh').send({ refreshToken: before.refreshToken }).expect(401);
    await waitFor(
      async () => (await api.get('/api/v1/me').set(auth(before.accessToken))).status === 401 || null,
    );
    await api
      .post('/api/v1/auth/login')
      .send({ username: citizen.email, password: citizen.password })
      .expect(401);
    await login(citizen.email, NEW_PASSWORD);
    await mailSaying(citizen.email, /Kata sandi akun Berkas Anda baru saja diubah/);

    // An officer's address gets no code: their agency's admin resets officers' passwords.
    const officerEmail = demo.staff[1].email;
    await api.post('/api/v1/auth/password-reset').send({ login: officerEmail }).expect(202);
    await mailSaying(officerEmail, /admin instansi/);
  });

  it('changes a password given the current one: the other sign-ins end, this one goes on with new tokens', async () => {
    const here = await login(citizen.email, NEW_PASSWORD);
    const elsewhere = await login(citizen.email, NEW_PASSWORD);
    const change = (currentPassword: string) =>
      api
        .post('/api/v1/auth/password')
        .set(auth(here.accessToken))
        .send({ currentPassword, newPassword: NEWER_PASSWORD });
    const refused = await change('bukan kata sandi saya').expect(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ path: '/currentPassword' })]);
    const fresh = (await change(NEW_PASSWORD).expect(200)).body;
    await api.get('/api/v1/me').set(auth(fresh.accessToken)).expect(200);
    await waitFor(
      async () => (await api.get('/api/v1/me').set(auth(elsewhere.accessToken))).status === 401 || null,
    );
    await api.post('/api/v1/auth/refresh').send({ refreshToken: elsewhere.refreshToken }).expect(401);
    await api.post('/api/v1/auth/refresh').send({ refreshToken: fresh.refreshToken }).expect(200);
    await login(citizen.email, NEWER_PASSWORD);
  });

  it("lets every member see the company's members and only its admin add and remove them; a removed member loses access at once", async () => {
    const [admin, colleague] = [demo.company.members[0].email, demo.company.members[1].email];
    const rudi = (await login(admin)).accessToken;
    const wulan = (await login(colleague)).accessToken;
    const listed = (await api.get('/api/v1/company/members').set(auth(wulan)).expect(200)).body;
    expect(listed.company.nib).toBe(demo.company.nib);
    expect(listed.members.map((m: { email: string; admin: boolean }) => [m.email, m.admin])).toEqual([
      [admin, true],
      [colleague, false],
    ]);
    const rudiId = listed.members[0].id;
    await api
      .post('/api/v1/company/members')
      .set(auth(wulan))
      .send({ name: 'Rekan', email: 'x@hujansejahtera.example.id' })
      .expect(403);
    await api.delete(`/api/v1/company/members/${rudiId}`).set(auth(wulan)).expect(403);
    await api.delete(`/api/v1/company/members/${rudiId}`).set(auth(rudi)).expect(403); // not oneself
    await api
      .get('/api/v1/company/members')
      .set(auth((await login(citizen.email, NEWER_PASSWORD)).accessToken))
      .expect(403);

    const sari = {
      name: 'Sari Lestari',
      email: 'sari@hujansejahtera.example.id',
      password: 'kantor di jalan juanda',
    };
    await api
      .post('/api/v1/company/members')
      .set(auth(rudi))
      .send({ name: sari.name, email: sari.email })
      .expect(202);
    const invited = (await api.get('/api/v1/company/members').set(auth(rudi)).expect(200)).body;
    expect(invited.invitations).toEqual([
      expect.objectContaining({ name: sari.name, sentTo: 'sa***@hujansejahtera.example.id' }),
    ]);
    const joined = await api
      .post('/api/v1/auth/register/confirm')
      .send({ login: sari.email, code: await codeMailedTo(system.mail, sari.email), password: sari.password })
      .expect(201);
    expect(joined.body).toMatchObject({
      kind: 'company',
      companyAdmin: false,
      company: { nib: demo.company.nib },
    });
    const sariToken = (await login(sari.email, sari.password)).accessToken;
    await api.get('/api/v1/applications').set(auth(sariToken)).expect(200); // the company's files

    const removed = await api.delete(`/api/v1/company/members/${joined.body.id}`).set(auth(rudi)).expect(200);
    expect(removed.body).toMatchObject({ id: joined.body.id, removedAt: expect.any(String) });
    await waitFor(
      async () => (await api.get('/api/v1/applications').set(auth(sariToken))).status === 401 || null,
    );
    await api.post('/api/v1/auth/login').send({ username: sari.email, password: sari.password }).expect(401);
    // Removing again answers the same; the list keeps who left, and when.
    const again = await api.delete(`/api/v1/company/members/${joined.body.id}`).set(auth(rudi)).expect(200);
    expect(again.body.removedAt).toBe(removed.body.removedAt);
    const after = (await api.get('/api/v1/company/members').set(auth(rudi)).expect(200)).body;
    expect(after.members.find((m: { id: string }) => m.id === joined.body.id).removedAt).toBe(
      removed.body.removedAt,
    );
    expect(after.invitations).toEqual([]);
  });

  it('never writes passwords or tokens into any service log', async () => {
    const token = await login(demo.staff[1].email);
    await api.get('/api/v1/me').set('authorization', `Bearer ${token.accessToken}`).expect(200);
    await new Promise((r) => setTimeout(r, 300));
    const all = Object.values(system.logs).flat().join('\n');
    for (const secret of [
      demo.password,
      citizen.password,
      NEW_PASSWORD,
      NEWER_PASSWORD,
      token.accessToken,
      token.refreshToken,
    ])
      expect(all).not.toContain(secret);
  });
});
