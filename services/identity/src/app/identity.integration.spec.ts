import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { DataSource } from 'typeorm';
import { loadConfig, SERVICE_CONFIG, type ServiceConfig } from '@berkas/config';
import { AppError, type TokenPair } from '@berkas/contracts';
import { bootstrapService, createStandaloneClient, type StandaloneClient } from '@berkas/messaging';
import {
  dropDatabase,
  freePort,
  startPrivateNats,
  TEST_INFRA,
  uniqueName,
  type PrivateNats,
  rejectionOf,
  startPrivateMailSink,
  startPrivateSmsGateway,
  waitFor,
  type PrivateMailSink,
  type PrivateSmsGateway,
} from '@berkas/testing';
import demo from './demo/demo-data.json';
import { AppModule } from './app.module';

// The identity service as it runs in production (bootstrapService, real PostgreSQL, a private
// nats-server), loaded with the demo region, driven over NATS the way the gateway drives it.
describe('identity service', () => {
  let nats: PrivateNats;
  let app: INestApplication;
  let client: StandaloneClient;
  let permits: StandaloneClient;
  let db: DataSource;
  let mail: PrivateMailSink;
  let sms: PrivateSmsGateway;
  let demoApplicants: number;
  const database = uniqueName('berkas_test_identity');
  const pw = demo.password;

  const login = (username: string, password = pw) =>
    client.request('identity.auth.login', { username, password });
  const fails = (p: Promise<unknown>) => rejectionOf<AppError>(p);
  const count = async (table: string) => Number((await db.query(`SELECT count(*) AS n FROM ${table}`))[0].n);

  beforeAll(async () => {
    nats = await startPrivateNats();
    const { sections, defaults } = SERVICE_CONFIG.identity;
    [mail, sms] = await Promise.all([startPrivateMailSink(), startPrivateSmsGateway()]);
    const env = {
      SMTP_PORT: String(mail.smtpPort),
      SMS_API_URL: sms.url,
      SMS_ACCOUNT_SID: sms.accountSid,
      SMS_AUTH_TOKEN: sms.authToken,
      NATS_URL: nats.url,
      DATABASE_URL: TEST_INFRA.databaseUrl,
      DATABASE_NAME: database,
      HTTP_PORT: String(await freePort()),
      HTTP_HOST: '127.0.0.1',
      DEMO_DATA: 'true',
      LOG_LEVEL: 'warn',
      LOGIN_MAX_ATTEMPTS: '3',
      LOGIN_ACCOUNT_ALARM: '5',
    };
    const config = loadConfig(sections, env, defaults) as ServiceConfig<'identity'>;
    app = await bootstrapService({
      service: 'identity',
      module: AppModule.register(config),
      http: config.http,
      nats: config.nats,
    });
    db = app.get(DataSource);
    client = await createStandaloneClient(nats.url);
    permits = await createStandaloneClient(nats.url, { as: 'permits' });
    demoApplicants = await count('applicants');
  });

  afterAll(async () => {
    await client?.close();
    await permits?.close();
    await app?.close();
    await nats?.stop();
    await Promise.all([mail?.stop(), sms?.stop()]);
    await dropDatabase(database);
  });

  describe('registration', () => {
    /** The code in the newest message to `to`, by email or SMS, once it arrives. */
    const codeSentTo = (to: string) =>
      waitFor(async () => {
        const [last] = to.includes('@') ? await mail.messages(to) : await sms.messages(to);
        const text = last ? ('text' in last ? last.text : last.body) : '';
        return /\b(\d{6})\b/.exec(text)?.[1] ?? null;
      }, 10000);
    /** The newest message to `to`, once one arrives (delivery is asynchronous to the reply). */
    const lastMessageTo = (to: string) =>
      waitFor(async () => {
        const [last] = to.includes('@') ? await mail.messages(to) : await sms.messages(to);
        return last ? ('text' in last ? last.text : last.body) : null;
      }, 10000);

    it('registers a citizen once the code sent to their email comes back', async () => {
      const started = await client.request('identity.auth.register', {
        kind: 'person',
        name: 'Ahmad Fauzi',
        email: 'Ahmad.Fauzi@Warga.example.id',
        phone: '+6281322223333',
        nik: '3271041203900007',
        password: 'hujan turun di bogor',
      });
      expect(started).toMatchObject({ sentTo: 'ah***@warga.example.id', channel: 'email' });
      expect(await count('applicants')).toBe(demoApplicants); // nothing until confirmed
      const code = await codeSentTo('ahmad.fauzi@warga.example.id');
      const [message] = await mail.messages('ahmad.fauzi@warga.example.id');
      expect(message.subject).toBe('Kode pendaftaran Berkas / Berkas registration code');
      // A wrong code is refused, and the code's text does not stay in the database once sent.
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
      expect(
        await fails(
          client.request('identity.auth.confirm-registration', {
            login: 'ahmad.fauzi@warga.example.id',
            code: wrong,
          }),
        ),
      ).toMatchObject({ status: 400, code: 'INVALID_CODE' });
      const person = await client.request('identity.auth.confirm-registration', {
        login: 'AHMAD.FAUZI@warga.example.id',
        code,
      });
      expect(person).toMatchObject({
        kind: 'person',
        email: 'ahmad.fauzi@warga.example.id',
        phone: '+6281322223333',
        company: null,
      });
      const [queued] = await db.query(
        `SELECT status, body FROM outgoing_messages WHERE recipient = 'ahmad.fauzi@warga.example.id'`,
      );
      expect(queued).toEqual({ status: 'sent', body: null });
      await expect(login('ahmad.fauzi@warga.example.id', 'hujan turun di bogor')).resolves.toMatchObject({
        tokenType: 'Bearer',
      });
      // The code is spent.
      expect(
        await fails(
          client.request('identity.auth.confirm-registration', {
            login: 'ahmad.fauzi@warga.example.id',
            code,
          }),
        ),
      ).toMatchObject({ status: 400, code: 'INVALID_CODE' });
    });

    it('answers a registration alike whether or not the email, phone or NIK has an account, and tells their owner', async () => {
      const again = {
        kind: 'person' as const,
        name: 'Someone Else',
        nik: '3271041203900008',
        password: 'another good password',
      };
      const before = await count('applicants');
      const fresh = await client.request('identity.auth.register', {
        ...again,
        email: 'baru@warga.example.id',
      });
      const takenEmail = await client.request('identity.auth.register', {
        ...again,
        email: demo.person.email,
      });
      const takenNik = await client.request('identity.auth.register', {
        ...again,
        email: 'nik.orang.lain@warga.example.id',
        nik: demo.person.nik,
      });
      const shape = (r: { sentTo: string; channel: string; expiresAt: string }) => [
        Object.keys(r).sort(),
        r.channel,
      ];
      expect(shape(takenEmail)).toEqual(shape(fresh));
      expect(shape(takenNik)).toEqual(shape(fresh));
      expect(await lastMessageTo(demo.person.email)).toMatch(/sudah\s+memiliki akun/);
      expect(await lastMessageTo('nik.orang.lain@warga.example.id')).toMatch(
        /NIK yang Anda daftarkan sudah terdaftar/,
      );
      expect(await lastMessageTo('nik.orang.lain@warga.example.id')).not.toMatch(/\d{6}/);
      expect(await count('applicants')).toBe(before);
      expect(Number((await db.query('SELECT count(*) AS n FROM pending_registrations'))[0].n)).toBe(1);
      // Five wrong codes end the registration, so six digits cannot be worked through.
      for (let i = 0; i < 5; i++)
        await fails(
          client.request('identity.auth.confirm-registration', {
            login: 'baru@warga.example.id',
            code: '000000',
          }),
        );
      const code = await codeSentTo('baru@warga.example.id');
      expect(
        await fails(
          client.request('identity.auth.confirm-registration', { login: 'baru@warga.example.id', code }),
        ),
      ).toMatchObject({ code: 'INVALID_CODE' });
    });

    it('registers a citizen who has a phone but no email by SMS, who then signs in with the phone', async () => {
      const started = await client.request('identity.auth.register', {
        kind: 'person',
        name: 'Ujang Suherman',
        phone: '+6285712349876',
        nik: '3271011507700011',
        password: 'talas bogor enak sekali',
      });
      expect(started).toMatchObject({ sentTo: '+62857****9876', channel: 'sms' });
      const person = await client.request('identity.auth.confirm-registration', {
        login: '0857 1234 9876',
        code: await codeSentTo('+6285712349876'),
      });
      expect(person).toMatchObject({ email: null, phone: '+6285712349876' });
      await expect(login('+62 857 1234 9876', 'talas bogor enak sekali')).resolves.toMatchObject({
        tokenType: 'Bearer',
      });
      const neither = await fails(
        client.request('identity.auth.register', {
          kind: 'person',
          name: 'No Contact',
          nik: '3271011507700012',
          password: 'talas bogor enak sekali',
        } as never),
      );
      expect(neither).toMatchObject({ status: 400 });
    });

    it('names the field and the reason for a bad NIK, NIB, phone or password', async () => {
      const base = {
        kind: 'person' as const,
        name: 'Test Person',
        email: 'bad@warga.example.id',
        password: 'a decent passphrase',
      };
      const cases: Array<[object, string, RegExp]> = [
        [{ nik: '3271043102900001' }, '/nik', /real birth date/],
        [{ nik: '32710412039' }, '/nik', /16 digits/],
        [{ nik: '3271041203900009', phone: '0812 3456 7890' }, '/phone', /E\.164/],
        [{ nik: '3271041203900009', phone: '+12025550123' }, '/phone', /Indonesian phone/],
        [{ nik: '3271041203900009', password: 'short' }, '/password', /at least 10/],
        [{ kind: 'company', nib: '0120001234567', companyName: 'PT Salah' }, '/nib', /start with 0/],
        [{ kind: 'company', nib: '9120009999999' }, '/companyName', /required/],
      ];
      for (const [change, path, reason] of cases) {
        const error = await fails(client.request('identity.auth.register', { ...base, ...change } as never));
        expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
        expect(error.details).toEqual([{ path, message: expect.stringMatching(reason) }]);
      }
      const extra = await fails(
        client.request('identity.auth.register', { ...base, nik: '3271041203900009', admin: true } as never),
      );
      expect(extra).toMatchObject({
        status: 400,
        code: 'VALIDATION_FAILED',
        details: [{ path: '/admin', message: 'is not allowed' }],
      });
    });

    it('lets a company member invite a colleague, who chooses their own password; a second NIB registration is told by email', async () => {
      const tokens = await login(demo.company.members[0].email);
      const invited = await client.request(
        'identity.companies.add-member',
        { name: 'Joko Susilo', email: 'joko@hujansejahtera.example.id' },
        tokens.accessToken,
      );
      expect(invited).toMatchObject({ sentTo: 'jo***@hujansejahtera.example.id', channel: 'email' });
      const code = await codeSentTo('joko@hujansejahtera.example.id');
      expect((await mail.messages('joko@hujansejahtera.example.id'))[0].subject).toMatch(
        /PT Hujan Sejahtera Abadi/,
      );
      expect(
        await fails(
          client.request('identity.auth.confirm-registration', {
            login: 'joko@hujansejahtera.example.id',
            code,
          }),
        ),
      ).toMatchObject({ status: 400, details: [{ path: '/password' }] });
      const colleague = await client.request('identity.auth.confirm-registration', {
        login: 'joko@hujansejahtera.example.id',
        code,
        password: 'payung teduh sekali',
      });
      expect(colleague.company).toMatchObject({ nib: demo.company.nib });
      const joko = await client.request(
        'identity.me.get',
        {},
        (await login('joko@hujansejahtera.example.id', 'payung teduh sekali')).accessToken,
      );
      expect(joko.principal).toMatchObject({
        kind: 'applicant',
        company: demo.company.nib,
        companyId: colleague.company!.id,
      });

      await client.request('identity.auth.register', {
        kind: 'company',
        name: 'Orang Lain',
        email: 'lain@example.id',
        password: 'payung teduh sekali',
        nib: demo.company.nib,
        companyName: 'PT Hujan',
      });
      expect(await lastMessageTo('lain@example.id')).toMatch(/NIB yang Anda daftarkan sudah terdaftar/);
    });
  });

  describe('sign-in and tokens', () => {
    it('signs in with email, phone or NIP and issues an EdDSA token that verifies against the published keys', async () => {
      const byEmail = await login(demo.person.email.toUpperCase());
      await login(demo.person.phone);
      const officer = await login(demo.staff[1].nip);
      const jwks = await client.request('identity.jwks.get', {});
      const { payload, protectedHeader } = await jwtVerify(
        officer.accessToken,
        createLocalJWKSet(jwks as never),
        {
          issuer: 'berkas-identity',
          audience: 'berkas',
        },
      );
      expect(protectedHeader).toMatchObject({ alg: 'EdDSA', kid: jwks.keys[0].kid });
      expect(payload).toMatchObject({
        principal: { kind: 'staff', agencyCode: 'DPMPTSP', region: '3271', roles: ['front-office'] },
      });
      expect(byEmail).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
      // The private half of the key is never stored in the clear.
      const [key] = await db.query('SELECT private_key_enc FROM signing_keys LIMIT 1');
      expect(key.private_key_enc).not.toContain('PRIVATE KEY');
    });

    /** Sign-in as the gateway would ask for it, for a client at `address`. */
    const from =
      (address: string) =>
      (username: string, password = pw) =>
        client.request('identity.auth.login', { username, password }, undefined, { clientAddress: address });
    const outcome = (p: Promise<unknown>) =>
      p.then(
        () => 'signed in',
        (e: AppError) => e.code,
      );

    it('pauses a client that keeps failing for a name, known or not, and never the owner elsewhere', async () => {
      const officer = demo.staff[2].email; // LOGIN_MAX_ATTEMPTS is 3 here
      const guesser = from('203.0.113.50');
      const known: string[] = [];
      const unknown: string[] = [];
      for (let i = 0; i < 4; i++) {
        known.push(await outcome(guesser(officer, 'not the password')));
        unknown.push(await outcome(guesser('nobody@example.id', 'not the password')));
      }
      const refused = ['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'SIGN_IN_PAUSED', 'SIGN_IN_PAUSED'];
      expect(known).toEqual(refused);
      expect(unknown).toEqual(refused); // an unknown name is answered exactly alike
      const paused = await fails(guesser(officer));
      expect(paused).toMatchObject({ status: 429, code: 'SIGN_IN_PAUSED' }); // the right password waits too
      expect(paused.retryAfterSeconds).toBeGreaterThanOrEqual(59);
      // The owner, from their own desk, signs in at once and is told of the failures.
      const owner = await from('198.51.100.9')(officer);
      expect(owner.signInNotice).toEqual({ failedAttempts: 3, lastFailedAt: expect.any(String) });
      expect((await from('198.51.100.9')(officer)).signInNotice).toBeUndefined(); // told once
      // The owner is to be told by message too: a fact on the event stream, naming nobody else.
      const [event] = await db.query(
        `SELECT payload->'data' AS data FROM outbox WHERE subject = 'evt.identity.sign-ins-paused'`,
      );
      expect(event.data).toMatchObject({ principalKind: 'staff', failedAttempts: 3 });
      // When the wait is over the client has one more try; failing it doubles the wait.
      const waitOver = () =>
        db.query(
          `UPDATE sign_in_throttles SET locked_until = now() - interval '1 second' WHERE locked_until IS NOT NULL`,
        );
      await waitOver();
      const again = await fails(guesser(officer, 'still not it'));
      expect(again).toMatchObject({ code: 'SIGN_IN_PAUSED' });
      expect(again.retryAfterSeconds).toBeGreaterThanOrEqual(119);
      await waitOver();
      await expect(guesser(officer)).resolves.toMatchObject({ tokenType: 'Bearer' });
    });

    it('keeps clients that failed away from a name under attack from many places, not a client that has not', async () => {
      const officer = demo.staff[3].email; // LOGIN_ACCOUNT_ALARM is 5 here
      for (let i = 1; i <= 5; i++)
        expect(await outcome(from(`192.0.2.${i}`)(officer, 'tebakan'))).toBe('INVALID_CREDENTIALS');
      expect(await outcome(from('192.0.2.1')(officer))).toBe('SIGN_IN_PAUSED');
      expect(await outcome(from('198.51.100.77')(officer))).toBe('signed in');
    });

    it('answers no failed sign-in sooner than any other, whether the name is anyone’s or not', async () => {
      const times: Record<'known' | 'unknown', number[]> = { known: [], unknown: [] };
      for (let i = 0; i < 10; i++)
        for (const [kind, name] of [
          ['known', demo.staff[5].email],
          ['unknown', `nobody${i}@example.id`],
        ] as const) {
          const started = performance.now();
          await fails(from(`10.9.${i}.1`)(name, 'not the password'));
          times[kind].push(performance.now() - started);
        }
      // The floor (150 ms) is above what either path takes here, so both answer at it.
      for (const kind of ['known', 'unknown'] as const)
        expect(Math.min(...times[kind])).toBeGreaterThanOrEqual(149);
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
      expect(Math.abs(median(times.known) - median(times.unknown))).toBeLessThan(25);
    });

    it('rotates refresh tokens, and a reused one revokes the whole sign-in', async () => {
      const first = await login(demo.person.email);
      const second = await client.request('identity.auth.refresh', { refreshToken: first.refreshToken });
      expect(second.refreshToken).not.toBe(first.refreshToken);
      const reused = await fails(
        client.request('identity.auth.refresh', { refreshToken: first.refreshToken }),
      );
      expect(reused).toMatchObject({ status: 401, code: 'REFRESH_TOKEN_REUSED' });
      // The thief's replay also ended the legitimate holder's newer token.
      expect(
        await fails(client.request('identity.auth.refresh', { refreshToken: second.refreshToken })),
      ).toMatchObject({
        code: 'INVALID_REFRESH_TOKEN',
      });
      const [row] = await db.query(`SELECT token_hash FROM refresh_tokens LIMIT 1`);
      expect(Buffer.from(row.token_hash).toString('base64url')).not.toBe(first.refreshToken);
    });

    it('logs out by revoking the refresh token family', async () => {
      const session = await login(demo.person.email);
      expect(await client.request('identity.auth.logout', { refreshToken: session.refreshToken })).toEqual({
        revoked: 1,
      });
      expect(
        await fails(client.request('identity.auth.refresh', { refreshToken: session.refreshToken })),
      ).toMatchObject({ status: 401 });
      expect(await client.request('identity.auth.logout', { refreshToken: 'x'.repeat(43) })).toEqual({
        revoked: 0,
      });
    });

    it('rotates the signing key without signing anyone out', async () => {
      const admin = await login(demo.staff[0].email);
      const before = await login(demo.person.email);
      const forbidden = await fails(client.request('identity.keys.rotate', {}, before.accessToken));
      expect(forbidden).toMatchObject({ status: 403 });
      const rotated = await client.request('identity.keys.rotate', {}, admin.accessToken);
      const after = await login(demo.person.email);
      expect(decodeProtectedHeader(after.accessToken).kid).toBe(rotated.kid);
      expect(decodeProtectedHeader(before.accessToken).kid).not.toBe(rotated.kid);
      const jwks = await client.request('identity.jwks.get', {});
      expect(jwks.keys.map((k) => k.kid)).toEqual(
        expect.arrayContaining([rotated.kid, decodeProtectedHeader(before.accessToken).kid]),
      );
      // The token signed with the retired key still works.
      await expect(client.request('identity.me.get', {}, before.accessToken)).resolves.toMatchObject({
        principal: { kind: 'applicant' },
      });
      expect(
        await fails(client.request('identity.me.get', {}, `${before.accessToken.slice(0, -4)}AAAA`)),
      ).toMatchObject({ status: 401 });
    });
  });

  describe('agencies, staff and regions', () => {
    let admin: TokenPair;
    let kabBogorOfficer: { id: string };
    let kabBogorAgency: { id: string };

    beforeAll(async () => {
      admin = await login(demo.staff[0].email);
      await client.request(
        'identity.regions.create',
        { code: '3201', name: 'Kabupaten Bogor' },
        admin.accessToken,
      );
      kabBogorAgency = await client.request(
        'identity.agencies.create',
        { regionCode: '3201', code: 'DPMPTSP', name: 'DPMPTSP Kabupaten Bogor' },
        admin.accessToken,
      );
      kabBogorOfficer = await client.request(
        'identity.staff.create',
        {
          nip: '198711112011011011',
          name: 'Taufik Hidayat',
          email: 'taufik@kabbogor.example.id',
          agencyId: kabBogorAgency.id,
          position: 'Petugas Front Office',
          roles: ['front-office'],
          password: 'cibinong hujan deras',
        },
        admin.accessToken,
      );
    });

    it('keeps officers of one region from seeing staff or agencies of another', async () => {
      const kotaOfficer = await login(demo.staff[1].email);
      expect(
        await fails(
          client.request('identity.staff.get', { id: kabBogorOfficer.id }, kotaOfficer.accessToken),
        ),
      ).toMatchObject({ status: 404 });
      expect(
        await fails(
          client.request('identity.agencies.get', { id: kabBogorAgency.id }, kotaOfficer.accessToken),
        ),
      ).toMatchObject({ status: 404 });
      expect(
        await fails(
          client.request('identity.agencies.list', { regionCode: '3201' }, kotaOfficer.accessToken),
        ),
      ).toMatchObject({ status: 403 });
      const own = await client.request('identity.agencies.list', {}, kotaOfficer.accessToken);
      expect(own.items.map((a) => a.regionCode)).toEqual(own.items.map(() => '3271'));
      expect(own.items.map((a) => a.code).sort()).toEqual(['DINKES', 'DLH', 'DPMPTSP', 'DPUPR']);
      // The system-admin sees across regions.
      await expect(
        client.request('identity.staff.get', { id: kabBogorOfficer.id }, admin.accessToken),
      ).resolves.toMatchObject({ name: 'Taufik Hidayat' });
    });

    it('lets an agency-admin manage only their own agency', async () => {
      const dlhAdmin = await login(
        demo.staff.find((s) => s.agency === 'DLH' && s.roles.includes('agency-admin'))!.email,
      );
      const agencies = await client.request('identity.agencies.list', {}, dlhAdmin.accessToken);
      const dlh = agencies.items.find((a) => a.code === 'DLH')!;
      const dpupr = agencies.items.find((a) => a.code === 'DPUPR')!;
      const newcomer = {
        nip: '199502022020121012',
        name: 'Nina Agustina',
        email: 'nina@dlh.example.id',
        position: 'Penelaah Dokumen Lingkungan',
        roles: ['reviewer' as const],
        password: 'sungai ciliwung bersih',
      };
      expect(
        await fails(
          client.request('identity.staff.create', { ...newcomer, agencyId: dpupr.id }, dlhAdmin.accessToken),
        ),
      ).toMatchObject({ status: 403 });
      expect(
        await fails(
          client.request(
            'identity.staff.create',
            { ...newcomer, agencyId: dlh.id, nip: '199502302020121012' },
            dlhAdmin.accessToken,
          ),
        ),
      ).toMatchObject({
        status: 400,
        details: [{ path: '/nip', message: expect.stringMatching(/birth date/) }],
      });
      expect(
        await fails(
          client.request(
            'identity.staff.create',
            { ...newcomer, agencyId: dlh.id, roles: ['system-admin'] },
            dlhAdmin.accessToken,
          ),
        ),
      ).toMatchObject({ status: 403 });
      const nina = await client.request(
        'identity.staff.create',
        { ...newcomer, agencyId: dlh.id },
        dlhAdmin.accessToken,
      );
      expect(nina).toMatchObject({ employment: 'pns', agency: { code: 'DLH' }, roles: ['reviewer'] });
      const page = await client.request(
        'identity.staff.list',
        { agencyId: dlh.id, role: 'reviewer', limit: 1 },
        dlhAdmin.accessToken,
      );
      expect(page.items).toHaveLength(1);
      const next = await client.request(
        'identity.staff.list',
        { agencyId: dlh.id, role: 'reviewer', after: page.nextCursor! },
        dlhAdmin.accessToken,
      );
      expect([...page.items, ...next.items].map((s) => s.name).sort()).toEqual([
        'Fajar Nugroho',
        'Nina Agustina',
      ]);
    });

    it('moves an officer to another agency and keeps their history; old refresh tokens stop working', async () => {
      const officer = demo.staff.find((s) => s.agency === 'DPUPR' && s.roles.includes('reviewer'))!;
      const session = await login(officer.email);
      const me = await client.request('identity.me.get', {}, session.accessToken);
      const agencies = await client.request(
        'identity.agencies.list',
        { regionCode: '3271' },
        admin.accessToken,
      );
      const dlh = agencies.items.find((a) => a.code === 'DLH')!;
      const moved = await client.request(
        'identity.staff.update',
        { id: me.staff!.id, agencyId: dlh.id, position: 'Penelaah Teknis', roles: ['reviewer', 'verifier'] },
        admin.accessToken,
      );
      expect(moved.agency.code).toBe('DLH');
      const history = await client.request('identity.staff.history', { id: me.staff!.id }, admin.accessToken);
      expect(history.assignments.map((a) => [a.agency.code, a.position, a.endedAt === null])).toEqual([
        ['DPUPR', 'Analis Tata Bangunan', false],
        ['DLH', 'Penelaah Teknis', true],
      ]);
      expect(
        await fails(client.request('identity.auth.refresh', { refreshToken: session.refreshToken })),
      ).toMatchObject({ status: 401 });
      const fresh = await client.request('identity.me.get', {}, (await login(officer.email)).accessToken);
      expect(fresh.principal).toMatchObject({ agencyCode: 'DLH', roles: ['reviewer', 'verifier'] });
    });

    it('records both the acting official and the holder when a Plh uses delegated authority', async () => {
      const holderNip = demo.staff.find((s) => s.agency === 'DPUPR' && s.roles.includes('agency-admin'))!.nip;
      const holder = await client.request('identity.staff.get', { nip: holderNip }, admin.accessToken);
      const delegate = await client.request(
        'identity.staff.get',
        { nip: demo.staff[3].nip },
        admin.accessToken,
      ); // DPMPTSP supervisor
      await client.request(
        'identity.delegations.create',
        {
          kind: 'plh',
          delegateId: delegate.id,
          holderId: holder.id,
          roles: ['agency-admin'],
          startsAt: new Date(Date.now() - 1000).toISOString(),
          endsAt: new Date(Date.now() + 3 * 864e5).toISOString(),
        },
        admin.accessToken,
      );
      const plh = await login(demo.staff[3].email);
      // A Plh keeps the agency's accounts in order but makes no staffing decisions: no roles granted.
      const newcomer = {
        nip: '199707072022031013',
        name: 'Galih Permana',
        email: 'galih@dpupr.example.id',
        agencyId: holder.agency.id,
        position: 'Pengawas Bangunan',
        roles: ['reviewer' as const],
        password: 'jembatan merah bogor',
      };
      expect(await fails(client.request('identity.staff.create', newcomer, plh.accessToken))).toMatchObject({
        status: 403,
      });
      const created = await client.request('identity.staff.create', newcomer, admin.accessToken);
      await client.request(
        'identity.staff.update',
        { id: created.id, position: 'Pengawas Bangunan Gedung' },
        plh.accessToken,
      );
      const rows = await db.query(
        'SELECT changed_by, changed_on_behalf_of FROM staff_assignments WHERE staff_id = $1 ORDER BY started_at',
        [created.id],
      );
      expect(rows[1]).toEqual({ changed_by: delegate.id, changed_on_behalf_of: holder.id });
      // Outside the holder's agency the delegation gives nothing.
      const elsewhere = await fails(
        client.request(
          'identity.staff.update',
          {
            id: (await client.request('identity.staff.get', { nip: demo.staff[6].nip }, admin.accessToken))
              .id,
            position: 'X-ray',
          },
          plh.accessToken,
        ),
      );
      expect(elsewhere).toMatchObject({ status: 403 });
    });

    it('lets no delegation or role change make anyone system-admin, or grant anything to oneself', async () => {
      // An agency-admin of the one-stop office, whose agency also has the system-admin.
      const sysAdmin = await client.request('identity.me.get', {}, admin.accessToken);
      const dpmptsp = sysAdmin.principal.agencyId!;
      const yanti = await client.request(
        'identity.staff.create',
        {
          nip: '198505052010012009',
          name: 'Yanti Rahayu',
          email: 'yanti.admin@dpmptsp.example.id',
          agencyId: dpmptsp,
          position: 'Pengelola Kepegawaian',
          roles: ['agency-admin'],
          password: 'kepegawaian tertib rapi',
        },
        admin.accessToken,
      );
      const verifier = demo.staff.find((s) => s.agency === 'DPMPTSP' && s.roles.includes('verifier'))!;
      const budi = await client.request('identity.staff.get', { nip: verifier.nip }, admin.accessToken);
      const token = (await login(yanti.email, 'kepegawaian tertib rapi')).accessToken;
      const now = Date.now();
      const delegation = (delegateId: string, roles?: string[]) =>
        fails(
          client.request(
            'identity.delegations.create',
            {
              kind: 'plh',
              delegateId,
              holderId: sysAdmin.staff!.id,
              ...(roles ? { roles: roles as never } : {}),
              startsAt: new Date(now).toISOString(),
              endsAt: new Date(now + 864e5).toISOString(),
            },
            token,
          ),
        );
      // system-admin travels in no delegation, whoever asks and whoever receives it.
      expect(await delegation(yanti.id, ['system-admin'])).toMatchObject({ status: 403 });
      expect(await delegation(budi.id, ['system-admin'])).toMatchObject({ status: 403 });
      expect(await delegation(budi.id)).toMatchObject({ status: 403 }); // all the holder's roles
      // Nobody delegates to themselves, not even a role they could hold.
      expect(await delegation(yanti.id, ['agency-admin'])).toMatchObject({ status: 403 });
      // Nor changes their own roles, nor touches a system-admin's account.
      expect(
        await fails(
          client.request(
            'identity.staff.update',
            { id: yanti.id, roles: ['agency-admin', 'supervisor'] },
            token,
          ),
        ),
      ).toMatchObject({ status: 403 });
      expect(
        await fails(
          client.request(
            'identity.staff.update',
            { id: sysAdmin.staff!.id, email: 'yanti.lagi@dpmptsp.example.id' },
            token,
          ),
        ),
      ).toMatchObject({ status: 403 });
      // Even a system-admin's delegation carries no system-admin.
      expect(
        await fails(
          client.request(
            'identity.delegations.create',
            {
              kind: 'plt',
              delegateId: yanti.id,
              holderId: sysAdmin.staff!.id,
              roles: ['system-admin'],
              startsAt: new Date(now).toISOString(),
              endsAt: new Date(now + 864e5).toISOString(),
            },
            admin.accessToken,
          ),
        ),
      ).toMatchObject({ status: 403 });
      // What she may grant directly she may delegate: the holder's agency-admin to a colleague.
      const granted = await client.request(
        'identity.delegations.create',
        {
          kind: 'plh',
          delegateId: budi.id,
          holderId: sysAdmin.staff!.id,
          roles: ['agency-admin'],
          startsAt: new Date(now - 1000).toISOString(),
          endsAt: new Date(now + 864e5).toISOString(),
        },
        token,
      );
      expect(granted.roles).toEqual(['agency-admin']);
      const me = await client.request('identity.me.get', {}, (await login(verifier.email)).accessToken);
      expect(me.principal.acting?.flatMap((a) => a.roles)).toEqual(['agency-admin']);
      await client.request('identity.delegations.revoke', { id: granted.id }, token);
    });

    it('gives an acting official (Plt) the holder’s roles, visible in tokens and role look-ups', async () => {
      const dinkes = (
        await client.request('identity.agencies.list', { regionCode: '3271' }, admin.accessToken)
      ).items.find((a) => a.code === 'DINKES')!;
      const holder = await client.request(
        'identity.staff.get',
        { nip: demo.staff.find((s) => s.agency === 'DINKES' && s.roles.includes('supervisor'))!.nip },
        admin.accessToken,
      );
      const delegate = await client.request(
        'identity.staff.get',
        { nip: demo.staff.find((s) => s.agency === 'DINKES' && s.roles.includes('reviewer'))!.nip },
        admin.accessToken,
      );
      const now = Date.now();
      const bad = await fails(
        client.request(
          'identity.delegations.create',
          {
            kind: 'plt',
            delegateId: delegate.id,
            holderId: holder.id,
            roles: ['front-office'],
            startsAt: new Date(now).toISOString(),
            endsAt: new Date(now + 864e5).toISOString(),
          },
          admin.accessToken,
        ),
      );
      expect(bad).toMatchObject({ status: 400, details: [{ path: '/roles' }] });
      const plt = await client.request(
        'identity.delegations.create',
        {
          kind: 'plt',
          delegateId: delegate.id,
          holderId: holder.id,
          roles: ['supervisor'],
          startsAt: new Date(now - 1000).toISOString(),
          endsAt: new Date(now + 7 * 864e5).toISOString(),
          decreeNumber: 'SK Kepala Dinas No. 800/112/2026',
        },
        admin.accessToken,
      );
      expect(plt).toMatchObject({
        decreeNumber: 'SK Kepala Dinas No. 800/112/2026',
        holderName: holder.name,
      });
      const running = await client.request(
        'identity.delegations.list',
        { agencyId: dinkes.id },
        admin.accessToken,
      );
      expect(running.items.map((d) => d.id)).toEqual([plt.id]);
      const token = await login(delegate.email);
      const me = await client.request('identity.me.get', {}, token.accessToken);
      expect(me.principal.roles).toEqual(['reviewer']);
      expect(me.principal.acting).toEqual([
        expect.objectContaining({
          delegationId: plt.id,
          kind: 'plt',
          holderId: holder.id,
          roles: ['supervisor'],
          agencyCode: 'DINKES',
        }),
      ]);
      // Who may act in a role is the permits service's question (it reassigns tasks), asked on its own.
      const members = await permits.request('identity.staff.members-of-role', {
        regionCode: '3271',
        agencyCode: 'DINKES',
        role: 'supervisor',
      });
      expect(members.members).toEqual([
        expect.objectContaining({ staffId: holder.id, via: 'position' }),
        expect.objectContaining({ staffId: delegate.id, via: 'delegation', onBehalfOf: holder.id }),
      ]);
      // The delegation gives no more than the holder has now: without the holder's role, nothing.
      await client.request(
        'identity.staff.update',
        { id: holder.id, roles: holder.roles.filter((r) => r !== 'supervisor') },
        admin.accessToken,
      );
      const lapsed = await client.request('identity.me.get', {}, (await login(delegate.email)).accessToken);
      expect(lapsed.principal.acting).toBeUndefined();
      await client.request(
        'identity.staff.update',
        { id: holder.id, roles: holder.roles },
        admin.accessToken,
      );
      await client.request('identity.delegations.revoke', { id: plt.id }, admin.accessToken);
      // Revoked, it leaves the running list and stays on record.
      expect(
        (await client.request('identity.delegations.list', { agencyId: dinkes.id }, admin.accessToken)).items,
      ).toEqual([]);
      const all = await client.request(
        'identity.delegations.list',
        { agencyId: dinkes.id, includeEnded: true },
        admin.accessToken,
      );
      expect(all.items).toEqual([expect.objectContaining({ id: plt.id, revokedAt: expect.any(String) })]);
      const after = await permits.request('identity.staff.members-of-role', {
        agencyId: dinkes.id,
        role: 'supervisor',
      });
      expect(after.members.map((m) => m.via)).toEqual(['position']);
    });
  });

  describe('contacts for the notifications service', () => {
    let notifications: StandaloneClient;

    beforeAll(async () => {
      notifications = await createStandaloneClient(nats.url, { as: 'notifications' });
    });
    afterAll(async () => {
      await notifications?.close();
    });

    it('resolves contacts: applicants, a company’s open accounts, officers and a role’s holders (acting too), each once', async () => {
      const admin = (await login(demo.staff[0].email)).accessToken;
      const staffByNip = (nip: string) => client.request('identity.staff.get', { nip }, admin);
      const siti = (await client.request('identity.me.get', {}, (await login(demo.person.email)).accessToken))
        .applicant!;
      // The company gains a member by invitation, and its admin closes another's account: the
      // company's contacts are its open accounts only.
      const rudiToken = (await login(demo.company.members[0].email)).accessToken;
      const sariEmail = 'sari@hujansejahtera.example.id';
      await client.request(
        'identity.companies.add-member',
        { name: 'Sari Wulandari', email: sariEmail },
        rudiToken,
      );
      const code = await waitFor(async () => {
        const [last] = await mail.messages(sariEmail);
        return (last && /\b(\d{6})\b/.exec(last.text)?.[1]) ?? null;
      }, 10000);
      const sari = await client.request('identity.auth.confirm-registration', {
        login: sariEmail,
        code,
        password: 'kopi susu gula aren',
      });
      const before = await client.request('identity.companies.list-members', {}, rudiToken);
      const rudi = before.members.find((m) => m.email === demo.company.members[0].email)!;
      const wulan = before.members.find((m) => m.email === demo.company.members[1].email)!;
      await client.request('identity.companies.remove-member', { id: wulan.id }, rudiToken);
      const open = (await client.request('identity.companies.list-members', {}, rudiToken)).members.filter(
        (m) => m.removedAt === null,
      );
      expect(open.map((m) => m.id)).toEqual(expect.arrayContaining([rudi.id, sari.id]));
      expect(open.map((m) => m.id)).not.toContain(wulan.id);

      const verifier = await staffByNip(
        demo.staff.find((s) => s.agency === 'DPMPTSP' && s.roles.includes('verifier'))!.nip,
      );
      const holder = await staffByNip(
        demo.staff.find((s) => s.agency === 'DINKES' && s.roles.includes('supervisor'))!.nip,
      );
      const delegate = await staffByNip(
        demo.staff.find((s) => s.agency === 'DINKES' && s.roles.includes('reviewer'))!.nip,
      );
      // An officer no longer active is nobody's contact.
      const gone = await client.request(
        'identity.staff.create',
        {
          nip: '199208082016011014',
          name: 'Rahmat Hidayat',
          email: 'rahmat@dinkes.example.id',
          agencyId: holder.agency.id,
          position: 'Pengawas Farmasi',
          roles: ['supervisor'],
          password: 'obat generik murah',
        },
        admin,
      );
      await client.request('identity.staff.update', { id: gone.id, active: false }, admin);
      const now = Date.now();
      const plt = await client.request(
        'identity.delegations.create',
        {
          kind: 'plt',
          delegateId: delegate.id,
          holderId: holder.id,
          roles: ['supervisor'],
          startsAt: new Date(now - 1000).toISOString(),
          endsAt: new Date(now + 864e5).toISOString(),
        },
        admin,
      );

      const contacts = await notifications.request('identity.contacts.resolve', {
        applicantIds: [siti.id, rudi.id, wulan.id],
        companyIds: [before.company.id],
        staffIds: [verifier.id, gone.id, delegate.id],
        roles: [
          { agencyId: holder.agency.id, role: 'supervisor' },
          { agencyId: verifier.agency.id, role: 'verifier' },
          { agencyId: holder.agency.id, role: 'supervisor' },
        ],
      });
      // The same holders as identity.staff.members-of-role gives, by position then acting.
      const supervisors = await permits.request('identity.staff.members-of-role', {
        agencyId: holder.agency.id,
        role: 'supervisor',
      });
      expect(supervisors.members.map((m) => [m.staffId, m.via])).toEqual([
        [holder.id, 'position'],
        [delegate.id, 'delegation'],
      ]);
      const applicant = (a: { id: string; name: string; email: string | null; phone: string | null }) => ({
        personId: a.id,
        kind: 'applicant',
        name: a.name,
        email: a.email,
        phone: a.phone,
      });
      const officer = (s: { id: string; name: string; email: string; phone: string | null }) => ({
        personId: s.id,
        kind: 'staff',
        name: s.name,
        email: s.email,
        phone: s.phone,
      });
      expect(contacts.people).toEqual([
        applicant(siti),
        applicant(rudi),
        ...open.filter((m) => m.id !== rudi.id).map(applicant),
        officer(verifier),
        officer(delegate),
        officer(holder),
      ]);
      const ids = contacts.people.map((p) => p.personId);
      expect(ids).toContain(sari.id);
      expect(ids).not.toContain(wulan.id); // removed from the company
      expect(ids).not.toContain(gone.id); // deactivated, though named and holding the role
      expect(contacts.people[0]).toMatchObject({ email: demo.person.email, phone: '+6281211112222' });
      await client.request('identity.delegations.revoke', { id: plt.id }, admin);
    });

    it('refuses contacts to a signed-in person and to anonymous callers', async () => {
      const req = { applicantIds: [randomUUID()] };
      const officer = (await login(demo.staff[0].email)).accessToken;
      expect(await fails(client.request('identity.contacts.resolve', req, officer))).toMatchObject({
        status: 403,
        code: 'CALLER_NOT_ALLOWED',
      });
      const person = (await login(demo.person.email)).accessToken;
      expect(await fails(client.request('identity.contacts.resolve', req, person))).toMatchObject({
        status: 403,
      });
      expect(await fails(client.request('identity.contacts.resolve', req))).toMatchObject({ status: 401 });
      // Unknown people and agencies are nobody, not an error.
      await expect(
        notifications.request('identity.contacts.resolve', {
          ...req,
          roles: [{ agencyId: randomUUID(), role: 'supervisor' }],
        }),
      ).resolves.toEqual({ people: [] });
    });
  });
});
