import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import { waitFor } from '@berkas/testing';
import { csrfIn, postSignIn } from './support/pages';
import { startSystem, type RunningSystem } from './support/system';

// eslint-disable-next-line @nx/enforce-module-boundaries -- the demo accounts npm start prints
import demo from '../services/identity/src/app/demo/demo-data.json';

const officer = (agency: string, role: string) =>
  demo.staff.find((s) => s.agency === agency && s.roles.includes(role))!.email;

describe('tracking through the gateway', () => {
  let system: RunningSystem;
  let api: ReturnType<typeof request>;
  const token: Record<string, string> = {};
  const auth = (who: string) => ({ authorization: `Bearer ${token[who]}` });

  beforeAll(async () => {
    system = await startSystem();
    api = request(system.gatewayUrl);
    const logins = {
      fo: officer('DPMPTSP', 'front-office'),
      pu: officer('DPUPR', 'reviewer'),
      citizen: demo.person.email,
    };
    for (const [who, username] of Object.entries(logins)) {
      token[who] = (
        await api.post('/api/v1/auth/login').send({ username, password: demo.password }).expect(200)
      ).body.accessToken;
    }
  });
  afterAll(() => system?.stop());

  it('walks a paper-and-digital dossier from the one-stop office to public works, and anyone can track it', async () => {
    const me = (await api.get('/api/v1/me').set(auth('fo')).expect(200)).body;
    const opened = await api
      .post('/api/v1/dossiers')
      .set(auth('fo'))
      .send({
        title: 'Surat rekomendasi teknis Jl. Pajajaran',
        kind: 'letter',
        originAgencyId: me.principal.agencyId,
      })
      .expect(201);
    const tn: string = opened.body.trackingNumber;

    // Upload streams through the gateway; the name says .pdf and the bytes agree.
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(2 * 1024 * 1024)]);
    const uploaded = await api
      .post(`/api/v1/dossiers/${tn}/documents`)
      .set(auth('fo'))
      .field('kind', 'application-letter')
      .attach('file', pdf, 'surat permohonan.pdf')
      .expect(201);
    expect(uploaded.body).toMatchObject({
      kind: 'application-letter',
      version: 1,
      size: pdf.length,
      mediaType: 'application/pdf',
    });

    // A picture renamed to .pdf is refused by its content.
    const fake = await api
      .post(`/api/v1/dossiers/${tn}/documents`)
      .set(auth('fo'))
      .field('kind', 'application-letter')
      .attach('file', Buffer.from('GIF89a not a pdf'), 'surat.pdf')
      .expect(415);
    expect(fake.body.code).toBe('UNSUPPORTED_DOCUMENT_TYPE');

    const download = await api
      .get(`/api/v1/documents/${uploaded.body.id}/download`)
      .set(auth('fo'))
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(download.status).toBe(200);
    expect(
      createHash('sha256')
        .update(download.body as Buffer)
        .digest('hex'),
    ).toBe(uploaded.body.sha256);
    expect(download.headers['repr-digest']).toBe(
      `sha-256=:${Buffer.from(uploaded.body.sha256, 'hex').toString('base64')}:`,
    );
    await api.get(`/api/v1/documents/${uploaded.body.id}/download`).set(auth('citizen')).expect(404);

    const cover = await api.get(`/api/v1/dossiers/${tn}/cover-sheet.pdf`).set(auth('fo')).expect(200);
    expect(cover.headers['content-type']).toBe('application/pdf');
    expect((cover.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');

    // A citizen looks the file up before it moves: the gateway now keeps this view for 30 s.
    const before = await api.get(`/api/v1/track/${tn}`).expect(200);
    expect(before.body.holder.code).not.toBe('DPUPR');

    // The front office finds the addressee in the agency directory, by region and code.
    const puAgency = (await api.get('/api/v1/regions/3271/agencies/DPUPR').set(auth('fo')).expect(200)).body
      .id;
    expect(puAgency).toBe((await api.get('/api/v1/me').set(auth('pu')).expect(200)).body.principal.agencyId);
    const sent = await api
      .post(`/api/v1/dossiers/${tn}/handoffs`)
      .set(auth('fo'))
      .send({
        toAgencyId: puAgency,
        note: 'Mohon kajian teknis',
        documentIds: [uploaded.body.id],
        physicalItems: [{ description: 'Map asli', quantity: 1 }],
      })
      .expect(201);
    const incoming = await api.get('/api/v1/agency/dossiers?scope=incoming').set(auth('pu')).expect(200);
    expect(incoming.body.items.map((i: { trackingNumber: string }) => i.trackingNumber)).toContain(tn);
    const receipt = await api
      .post(`/api/v1/handoffs/${sent.body.id}/receive`)
      .set(auth('pu'))
      .send({})
      .expect(200);
    expect(receipt.body).toMatchObject({ status: 'received', manifestHash: sent.body.manifestHash });

    // The change evicts the cached view (tracking signals every commit), so it shows within moments,
    // not when the 30 s cache entry would have expired.
    const sloppy = tn.toLowerCase().replace(/-/g, '');
    const tracked = await waitFor(
      async () => {
        const res = await api.get(`/api/v1/track/${sloppy}`).expect(200);
        return res.body.holder.code === 'DPUPR' ? res : null;
      },
      2000,
      50,
    );
    expect(tracked.body).toMatchObject({ trackingNumber: tn, status: 'open', holder: { code: 'DPUPR' } });
    expect(tracked.body.timeline.map((t: { event: string }) => t.event)).toEqual([
      'opened',
      'document-added',
      'handoff-sent',
      'handoff-received',
    ]);
    const typo = `${tn.slice(0, -1)}${tn.endsWith('0') ? '1' : '0'}`;
    const bad = await api.get(`/api/v1/track/${typo}`).expect(400);
    expect(bad.body.detail).toMatch(/Check the number/);

    const verified = await api.get(`/api/v1/dossiers/${tn}/history/verify`).set(auth('pu')).expect(200);
    expect(verified.body).toMatchObject({ intact: true, entries: 4 });
  });

  it('lets the receiving officer scan a paper dossier’s QR code, sign in on the page and receive it', async () => {
    const me = (await api.get('/api/v1/me').set(auth('fo')).expect(200)).body;
    const tn: string = (
      await api
        .post('/api/v1/dossiers')
        .set(auth('fo'))
        .send({ title: 'Berkas fisik IMB lama', kind: 'letter', originAgencyId: me.principal.agencyId })
        .expect(201)
    ).body.trackingNumber;
    const puAgency = (await api.get('/api/v1/me').set(auth('pu')).expect(200)).body.principal.agencyId;
    const sent = (
      await api
        .post(`/api/v1/dossiers/${tn}/handoffs`)
        .set(auth('fo'))
        .send({ toAgencyId: puAgency, physicalItems: [{ description: 'Map biru', quantity: 2 }] })
        .expect(201)
    ).body;

    // The QR code leads to the pages (the web service), which do the rest through this same API.
    const pages = request(system.webUrl);
    const scanned = await pages.get(`/berkas/${tn.toLowerCase()}`).expect(200);
    expect(scanned.headers['content-type']).toMatch(/text\/html/);
    expect(scanned.text).toContain(tn);
    expect(scanned.text).toContain('Terima berkas');
    expect(scanned.text).toContain('id="sign-in-to-receive"'); // a plain link and forms: no script needed

    const next = `/berkas/${tn}`;
    const wrong = await postSignIn(system.webUrl, officer('DPUPR', 'reviewer'), 'salah sekali', { next });
    expect(wrong.res.status).toBe(401);
    expect(wrong.res.text).toContain('govuk-error-summary');
    const { res: signedIn, cookie } = await postSignIn(
      system.webUrl,
      officer('DPUPR', 'reviewer'),
      demo.password,
      {
        next,
      },
    );
    expect(signedIn.headers['location']).toBe(next);
    const form = await pages.get(next).set('cookie', cookie).expect(200);
    expect(form.text).toMatch(/<form method="post"/);
    const receipt = await pages
      .post(next)
      .set('cookie', cookie)
      .type('form')
      .send({ _csrf: csrfIn(form.text), action: 'receive' })
      .expect(200);
    expect(receipt.text).toContain('Tanda terima');
    expect(receipt.text).toContain(sent.manifestHash);
    expect((await api.get(`/api/v1/track/${tn}`).expect(200)).body.holder.code).toBe('DPUPR');
  });

  it('keeps the dossier routes to those who may see the dossier', async () => {
    await api
      .post('/api/v1/dossiers')
      .set(auth('citizen'))
      .send({ title: 'Surat', kind: 'letter', originAgencyId: '6f1d2a8e-4b7c-4d9a-9e2f-0a1b2c3d4e5f' })
      .expect(403);
    await api.get('/api/v1/agency/dossiers').expect(401);
    await api.get('/api/v1/agency/dossiers?scope=everything').set(auth('fo')).expect(400);
    await api.post('/api/v1/admin/agencies').set(auth('fo')).send({}).expect(403); // front office is no system-admin
  });
});
