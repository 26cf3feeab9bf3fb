import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import request from 'supertest';
import { waitFor } from '@berkas/testing';
import { bearer, people } from './support/api';
import { startSystem, type RunningSystem } from './support/system';

// eslint-disable-next-line @nx/enforce-module-boundaries -- the demo accounts npm start prints
import demo from '../services/identity/src/app/demo/demo-data.json';

const PNG_HEAD = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const officer = (agency: string, role: string) =>
  demo.staff.find((s) => s.agency === agency && s.roles.includes(role))!.email;

describe('a practice licence through the gateway', () => {
  let system: RunningSystem;
  let api: ReturnType<typeof request>;
  const token: Record<string, string> = {};
  const as = (who: string) => ({ authorization: `Bearer ${token[who]}` });

  beforeAll(async () => {
    system = await startSystem();
    api = request(system.gatewayUrl);
    const people = {
      citizen: demo.person.email,
      fo: officer('DPMPTSP', 'front-office'),
      dinkes: officer('DINKES', 'reviewer'),
      supervisor: officer('DPMPTSP', 'supervisor'),
      pu: officer('DPUPR', 'reviewer'),
    };
    for (const [who, username] of Object.entries(people)) {
      token[who] = (
        await api.post('/api/v1/auth/login').send({ username, password: demo.password }).expect(200)
      ).body.accessToken;
    }
  });
  afterAll(() => system?.stop());

  const act = async (who: string, applicationId: string, action: string, note?: string) => {
    const inbox = (await api.get('/api/v1/inbox').set(as(who)).expect(200)).body;
    const task = inbox.items.find((t: { applicationId: string }) => t.applicationId === applicationId);
    expect(task).toBeDefined();
    return api
      .post(`/api/v1/tasks/${task.id}/actions`)
      .set(as(who))
      .send({ action, ...(note ? { note } : {}) });
  };

  it('keeps several files for a requirement that takes them: adds, replaces, withdraws, and refuses one too many', async () => {
    const app = (
      await api
        .post('/api/v1/applications')
        .set(as('citizen'))
        .send({ permitType: 'REKLAME', regionCode: '3271' })
        .expect(201)
    ).body;
    const png = (n: number) => Buffer.concat([PNG_HEAD, Buffer.alloc(300 + n)]);
    const upload = (kind: string, name: string, bytes: Buffer, replaces?: string) => {
      let req = api.post(`/api/v1/applications/${app.id}/documents`).set(as('citizen')).field('kind', kind);
      if (replaces) req = req.field('replaces', replaces);
      return req.attach('file', bytes, name);
    };
    // The billboard's design and site photos take five files, each a file of its own (version 1).
    const photos = [];
    for (let i = 1; i <= 5; i++)
      photos.push((await upload('photo', `foto-${i}.png`, png(i)).expect(201)).body);
    expect(photos.map((p) => [p.version, p.previousId])).toEqual(Array(5).fill([1, null]));
    const sixth = await upload('photo', 'foto-6.png', png(6)).expect(409);
    expect(sixth.body.code).toBe('TOO_MANY_FILES');

    // Replacing the second photo makes its next version; the replaced one cannot be replaced again.
    const second = (await upload('photo', 'foto-2-baru.png', png(20), photos[1].id).expect(201)).body;
    expect([second.version, second.previousId]).toEqual([2, photos[1].id]);
    const stale = await upload('photo', 'foto-2-lagi.png', png(21), photos[1].id).expect(409);
    expect(stale.body.code).toBe('DOCUMENT_REPLACED');
    const badId = await upload('photo', 'foto.png', png(22), 'bukan-id').expect(400);
    expect(badId.body.errors[0].path).toBe('/replaces');

    // Withdrawing the third makes room; its withdrawal is in the dossier's history.
    const gone = (
      await api
        .delete(`/api/v1/applications/${app.id}/documents/${photos[2].id}`)
        .set(as('citizen'))
        .expect(200)
    ).body;
    expect(gone.withdrawnAt).toEqual(expect.any(String));
    await api
      .delete(`/api/v1/applications/${app.id}/documents/${photos[2].id}`)
      .set(as('citizen'))
      .expect(409);
    await upload('photo', 'foto-6.png', png(6)).expect(201);
    const current = (await api.get(`/api/v1/applications/${app.id}/documents`).set(as('citizen')).expect(200))
      .body.items;
    expect(current.map((d: { fileName: string }) => d.fileName).sort()).toEqual([
      'foto-1.png',
      'foto-2-baru.png',
      'foto-4.png',
      'foto-5.png',
      'foto-6.png',
    ]);

    // A requirement of one file keeps the old way: a second upload is the next version of the first.
    const ktp = (await upload('identity-card', 'ktp.png', png(1)).expect(201)).body;
    const ktp2 = (await upload('identity-card', 'ktp-jelas.png', png(2)).expect(201)).body;
    expect([ktp2.version, ktp2.previousId]).toEqual([2, ktp.id]);

    // Another applicant can neither withdraw nor replace these.
    const other = await api
      .post('/api/v1/auth/login')
      .send({ username: demo.company.members[1].email, password: demo.password });
    await api
      .delete(`/api/v1/applications/${app.id}/documents/${ktp2.id}`)
      .set({ authorization: `Bearer ${other.body.accessToken}` })
      .expect(404);
  });

  it('goes from an online application to an issued licence that anyone can track', async () => {
    const calendar = (await api.get('/api/v1/calendars/3271/2026').expect(200)).body;
    expect(calendar.days).toContainEqual(
      expect.objectContaining({ date: '2026-12-25', kind: 'national', regional: false }),
    );
    await api.get('/api/v1/calendars/3271/next-year').expect(400);
    const types = (await api.get('/api/v1/permit-types').expect(200)).body;
    expect(types.items.map((t: { code: string }) => t.code)).toEqual(['PBG', 'REKLAME', 'SIP']);

    const draft = (
      await api
        .post('/api/v1/applications')
        .set(as('citizen'))
        .send({ permitType: 'SIP', regionCode: '3271' })
        .expect(201)
    ).body;
    expect(draft.trackingNumber).toBeNull();
    const missing = await api.post(`/api/v1/applications/${draft.id}/submit`).set(as('citizen')).expect(400);
    expect(missing.body.errors.map((e: { path: string }) => e.path)).toContain('/documents/certificate');

    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(200),
    ]);
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(200)]);
    for (const [kind, bytes, name] of [
      ['identity-card', png, 'ktp.png'],
      ['certificate', pdf, 'str.pdf'],
      ['statement', pdf, 'rekomendasi.pdf'],
    ] as const) {
      await api
        .post(`/api/v1/applications/${draft.id}/documents`)
        .set(as('citizen'))
        .field('kind', kind)
        .attach('file', bytes, name)
        .expect(201);
    }
    await api
      .patch(`/api/v1/applications/${draft.id}`)
      .set(as('citizen'))
      .send({
        form: {
          profession: 'bidan',
          strNumber: 'STR-3271/2024/0042',
          practiceAddress: 'Jl. Merdeka 5, Bogor',
          practiceArea: '32.71.03.1006',
          practiceOrder: 1,
        },
      })
      .expect(200);
    const submitted = (
      await api.post(`/api/v1/applications/${draft.id}/submit`).set(as('citizen')).expect(200)
    ).body;
    expect(submitted.trackingNumber).toMatch(/^3271-/);
    const tracked = (await api.get(`/api/v1/track/${submitted.trackingNumber}`).expect(200)).body;
    expect(tracked).toMatchObject({
      status: 'open',
      permitType: { code: 'SIP' },
      holder: { code: 'DPMPTSP' },
    });

    // Public works has nothing to do with it; the front office can only take the stage's own actions.
    const puInbox = (await api.get('/api/v1/inbox').set(as('pu')).expect(200)).body;
    expect(puInbox.items.map((t: { applicationId: string }) => t.applicationId)).not.toContain(draft.id);
    const unknown = await act('fo', draft.id, 'fly');
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('UNKNOWN_ACTION');
    expect((await act('fo', draft.id, 'complete')).status).toBe(200);
    expect((await act('dinkes', draft.id, 'recommend')).status).toBe(200);
    expect((await act('supervisor', draft.id, 'approve')).status).toBe(200);
    const issued = await act('fo', draft.id, 'issue');
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ status: 'issued', outcome: 'issued' });

    const permit = (await api.get(`/api/v1/applications/${draft.id}/permit`).set(as('citizen')).expect(200))
      .body;
    expect(permit.number).toMatch(/^503\/\d{4}\/SIP\/DPMPTSP-3271\/\d{4}$/);
    const verified = (await api.get(`/api/v1/permits/verify/${permit.verificationCode}`).expect(200)).body;
    expect(verified).toMatchObject({ genuine: true, status: 'valid', number: permit.number });
    // Offline, as the documented format says: the payload's base64url text, signed with the published key.
    const jwk = (await api.get('/api/v1/permits/seal-key').expect(200)).body;
    const [payload, signature] = permit.verificationCode.split('.');
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    expect(cryptoVerify(null, Buffer.from(payload), key, Buffer.from(signature, 'base64url'))).toBe(true);
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toMatchObject({
      n: permit.number,
      t: 'SIP',
      h: permit.holderName,
    });
    // The QR code's page, for a phone: genuine and valid, with the permit's facts.
    const pages = request(system.webUrl);
    expect(permit.verificationUrl.startsWith(`${system.webUrl}/verifikasi/`)).toBe(true);
    const qrPage = await pages.get(new URL(permit.verificationUrl).pathname).expect(200);
    expect(qrPage.text).toContain('ASLI dan BERLAKU');
    expect(qrPage.text).toContain(permit.number);
    const forgedPage = await pages
      .get(`/verifikasi/${permit.verificationCode.slice(0, -6)}AAAAAA`)
      .expect(200);
    expect(forgedPage.text).toContain('TIDAK DAPAT DIVERIFIKASI');

    const mine = (await api.get('/api/v1/applications').set(as('citizen')).expect(200)).body;
    expect(mine.items.find((a: { id: string }) => a.id === draft.id)).toMatchObject({ status: 'issued' });
    await api.get(`/api/v1/applications/${draft.id}`).set(as('pu')).expect(404);
  });

  it('takes a walk-in at the counter: the officer applies for them, the walk-in claims the account with the texted code', async () => {
    const { readySip } = people(api);
    const walkIn = { name: 'Sumarni Wulandari', nik: '3271045703880003', phone: '+6281311112020' };
    const visit = (await api.post('/api/v1/counter/visits').set(as('fo')).send(walkIn).expect(201)).body;
    expect(visit).toMatchObject({ existingAccount: false, applicant: { name: walkIn.name } });
    const counter = visit.tokens.accessToken as string;
    const app = await readySip(counter);
    const submitted = (
      await api.post(`/api/v1/applications/${app.id}/submit`).set(bearer(counter)).expect(200)
    ).body;
    expect(submitted.enteredBy).toMatchObject({ name: expect.any(String), agencyCode: 'DPMPTSP' });
    // Recorded as the officer's act for the applicant, in the file's history and its documents.
    const history = (await api.get(`/api/v1/applications/${app.id}/history`).set(as('fo')).expect(200)).body;
    const created = history.entries.find((e: { type: string }) => e.type === 'created');
    expect(created.actor).toMatchObject({
      kind: 'applicant',
      id: visit.applicant.id,
      assistedBy: expect.any(String),
      assistedByName: submitted.enteredBy.name,
    });

    // The walk-in's phone gets the number and a code, once, however often the event is redelivered.
    // (Its other texts, the notices of the file itself, are the notifications service's.)
    const codes = async () =>
      (await system.sms.messages('+6281311112020')).filter((m) => /kode \d{6}/.test(m.body));
    const text = await waitFor(async () => (await codes())[0]?.body ?? null, 15000);
    expect(text).toContain(submitted.trackingNumber);
    const first = /kode (\d{6})/.exec(text)![1];
    const password = 'rumah di gang kenari';
    const claim = (body: object) => api.post('/api/v1/auth/claim').send(body);
    const wrong = first === '000000' ? '000001' : '000000';
    await claim({ trackingNumber: submitted.trackingNumber, code: wrong, password }).expect(400);
    // A lost code: a new one goes to the same phone, and the old one is void.
    await api.post('/api/v1/auth/claim/code').send({ trackingNumber: submitted.trackingNumber }).expect(202);
    const texts = await waitFor(async () => {
      const all = await codes();
      return all.length === 2 ? all : null;
    }, 15000);
    const code = /kode (\d{6})/.exec(texts[0].body)![1];
    if (code !== first)
      await claim({ trackingNumber: submitted.trackingNumber, code: first, password }).expect(400);
    const pair = (
      await claim({
        trackingNumber: submitted.trackingNumber.toLowerCase().replace(/-/g, ' '),
        code,
        password,
      }).expect(200)
    ).body;
    // The walk-in's own sign-in sees the file; the counter's sign-in ended with the claim.
    const mine = (await api.get('/api/v1/applications').set(bearer(pair.accessToken)).expect(200)).body;
    expect(mine.items.map((a: { id: string }) => a.id)).toEqual([app.id]);
    await waitFor(
      async () => (await api.get('/api/v1/applications').set(bearer(counter))).status === 401,
      5000,
    );
    await claim({ trackingNumber: submitted.trackingNumber, code, password }).expect(400);
    await api.post('/api/v1/auth/login').send({ username: walkIn.phone, password }).expect(200);
    expect(await codes()).toHaveLength(2);

    // Someone who already has an account: the counter's sign-in sees only what it enters for them.
    const siti = await api
      .post('/api/v1/auth/login')
      .send({ username: demo.person.email, password: demo.password });
    const own = (await api.get('/api/v1/applications').set(bearer(siti.body.accessToken)).expect(200)).body;
    const again = (
      await api
        .post('/api/v1/counter/visits')
        .set(as('fo'))
        .send({ name: demo.person.name, nik: demo.person.nik, email: demo.person.email })
        .expect(201)
    ).body;
    expect(again).toMatchObject({ existingAccount: true });
    const assisted = bearer(again.tokens.accessToken);
    expect((await api.get('/api/v1/applications').set(assisted).expect(200)).body.items).toEqual([]);
    if (own.items[0]) await api.get(`/api/v1/applications/${own.items[0].id}`).set(assisted).expect(404);
    // Only the front office opens a counter.
    await api.post('/api/v1/counter/visits').set(as('dinkes')).send(walkIn).expect(403);
  });
});
