import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { TEST_INFRA, waitFor } from '@berkas/testing';
import {
  type Api,
  bearer,
  demo,
  ensureDemoDesk,
  ensureDemoFiles,
  officer,
  PDF,
  people,
  PNG,
  registerApplicant,
} from './support/api';
import { startSystem, type RunningSystem } from './support/system';

const binary = (res: NodeJS.ReadableStream, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

/**
 * The three kinds of users of Berkas, end to end through the gateway's HTTP API only: every service
 * a real process, on real PostgreSQL, NATS (JetStream) and S3.
 */
describe('journeys through the HTTP API', () => {
  let system: RunningSystem;
  let api: Api;
  let the: ReturnType<typeof people>;
  const token: Record<string, string> = {};

  beforeAll(async () => {
    system = await startSystem();
    api = request(system.gatewayUrl);
    the = people(api);
    const staff = {
      fo: officer('DPMPTSP', 'front-office'),
      verifier: officer('DPMPTSP', 'verifier'),
      supervisor: officer('DPMPTSP', 'supervisor'),
      dinkes: officer('DINKES', 'reviewer'),
      pu: officer('DPUPR', 'reviewer'),
      dlh: officer('DLH', 'reviewer'),
      siti: demo.person.email,
      rudi: demo.company.members[0].email,
      wulan: demo.company.members[1].email,
    };
    for (const [who, username] of Object.entries(staff)) token[who] = await the.signIn(username);
  });
  afterAll(() => system?.stop());

  it('G2C: a citizen registers, applies, is asked for a correction, and verifies the issued permit', async () => {
    const citizen = {
      kind: 'person',
      name: 'Ayu Lestari',
      email: 'ayu.lestari@warga.example.id',
      nik: '3271045507920003',
      password: 'kebun raya bogor 1817',
    };
    await registerApplicant(api, system.mail, citizen);
    const ayu = await the.signIn(citizen.email, citizen.password);

    const draft = await the.readySip(ayu);

    // One correlation id follows the submission through the gateway, permits and tracking.
    const requestId = randomUUID();
    const submit = await api
      .post(`/api/v1/applications/${draft.id}/submit`)
      .set(bearer(ayu))
      .set('x-request-id', requestId)
      .expect(200);
    expect(submit.headers['x-request-id']).toBe(requestId);
    // Log lines reach the test through the processes' pipes, a moment after the answer.
    await waitFor(
      () =>
        (['gateway', 'permits', 'tracking'] as const).every((service) =>
          system.logs[service].some((line) => line.includes(requestId)),
        ),
      5000,
    );
    const tn: string = submit.body.trackingNumber;

    // Anyone with the number, typed carelessly, sees where the file is and nothing about Ayu.
    const careless = tn.toLowerCase().replace(/-/g, ' ');
    const atDesk = await the.trackUntil(tn, (v) => v.currentStages.length > 0);
    expect(
      (await api.get(`/api/v1/track/${encodeURIComponent(careless)}`).expect(200)).body.trackingNumber,
    ).toBe(tn);
    expect(atDesk).toMatchObject({ status: 'open', holder: { code: 'DPMPTSP' }, awaitingApplicant: false });
    expect(atDesk.currentStages).toEqual([
      expect.objectContaining({ agency: expect.objectContaining({ code: 'DPMPTSP' }) }),
    ]);
    const publicText = JSON.stringify(atDesk);
    for (const secret of [citizen.name, citizen.nik, citizen.email, 'Jl. Merdeka'])
      expect(publicText).not.toContain(secret);

    // The front office files its own note of the check in the dossier: the office's record, which
    // Ayu sees but cannot withdraw, even while the file is hers to correct.
    const memo = (
      await api
        .post(`/api/v1/dossiers/${tn}/documents`)
        .set(bearer(token.fo))
        .field('kind', 'other')
        .attach('file', PDF, 'berita-acara-pemeriksaan.pdf')
        .expect(201)
    ).body;

    // The front office asks for a readable certificate; the file now waits on Ayu, publicly too.
    expect(
      (
        await the.act(
          token.fo,
          draft.id,
          'return',
          'Scan STR tidak terbaca, mohon unggah ulang',
          'dokumen-tidak-terbaca',
        )
      ).status,
    ).toBe(200);
    expect((await api.get(`/api/v1/applications/${draft.id}`).set(bearer(ayu)).expect(200)).body.status).toBe(
      'returned',
    );
    const waiting = await the.trackUntil(tn, (v) => v.awaitingApplicant);
    expect(waiting.currentStages).toEqual([]);
    expect(waiting.timeline.map((e) => e.event)).toContain('awaiting-applicant');
    const withdrawMemo = await api
      .delete(`/api/v1/applications/${draft.id}/documents/${memo.id}`)
      .set(bearer(ayu))
      .expect(403);
    expect(withdrawMemo.body.code).toBe('FORBIDDEN');

    const clearer = Buffer.concat([PDF, Buffer.from('second scan')]);
    const v2 = (await the.upload(ayu, draft.id, 'certificate', clearer, 'str-jelas.pdf').expect(201)).body;
    expect(v2.version).toBe(2);
    expect(
      (await api.post(`/api/v1/applications/${draft.id}/resubmit`).set(bearer(ayu)).expect(200)).body.status,
    ).toBe('in-review');

    expect((await the.act(token.fo, draft.id, 'complete')).status).toBe(200);
    const atHealthOffice = await the.trackUntil(tn, (v) => v.currentStages[0]?.agency.code === 'DINKES');
    expect(atHealthOffice.dueAt).toMatch(/^\d{4}-\d{2}-\d{2}$/); // "lengkap dan benar": the service clock runs
    expect(atHealthOffice.currentStages[0].dueAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect((await the.act(token.dinkes, draft.id, 'recommend')).status).toBe(200);
    expect((await the.act(token.supervisor, draft.id, 'approve')).status).toBe(200);
    expect((await the.act(token.fo, draft.id, 'issue')).status).toBe(200);

    // Ayu downloads the permit PDF from her file; its QR code says it is genuine and valid.
    const permit = await waitFor(async () => {
      const p = (await api.get(`/api/v1/applications/${draft.id}/permit`).set(bearer(ayu)).expect(200)).body;
      return p.documentId ? p : null;
    }, 20000);
    const pdf = await api
      .get(`/api/v1/documents/${permit.documentId}/download`)
      .set(bearer(ayu))
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(pdf.headers['content-type']).toMatch(/application\/pdf/);
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    // Or as a short-lived link straight to storage: it works now and is refused once it has expired.
    const link = (
      await api.get(`/api/v1/documents/${permit.documentId}/download?mode=url`).set(bearer(ayu)).expect(200)
    ).body;
    const url = new URL(link.url);
    expect(Number(url.searchParams.get('X-Amz-Expires'))).toBe(300);
    expect((await fetch(url)).status).toBe(200);
    const signedAt = url.searchParams.get('X-Amz-Date')!; // yyyyMMddTHHmmssZ
    const iso = `${signedAt.slice(0, 4)}-${signedAt.slice(4, 6)}-${signedAt.slice(6, 11)}:${signedAt.slice(11, 13)}:${signedAt.slice(13)}`;
    const earlier = new Date(Date.parse(iso) - 301_000).toISOString().replace(/[-:]|\.\d{3}/g, '');
    url.searchParams.set('X-Amz-Date', earlier); // as if 301 s had passed since signing
    const expired = await fetch(url);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('Request has expired');
    expect(
      (await api.get(`/api/v1/permits/verify/${permit.verificationCode}`).expect(200)).body,
    ).toMatchObject({
      genuine: true,
      status: 'valid',
      number: permit.number,
    });
    // The QR code leads to the pages (the web service), which answer from this same API.
    const qr = await request(system.webUrl).get(new URL(permit.verificationUrl).pathname).expect(200);
    expect(qr.text).toContain(permit.number);

    const closed = await the.trackUntil(tn, (v) => v.status === 'closed');
    expect(closed.timeline.at(-1)?.label.id).toBe('Izin telah terbit');
    expect(closed.currentStages).toEqual([]);
  });

  it("G2B: a company's staff share its applications, and an investor follows several files at once", async () => {
    const reklame = {
      location: 'Jl. Pajajaran 3, Bogor',
      siteArea: '32.71.01.1001',
      boardArea: 6,
      months: 12,
      content: 'Hujan Sejahtera',
    };
    const started = (
      await api
        .post('/api/v1/applications')
        .set(bearer(token.rudi))
        .send({ permitType: 'REKLAME', regionCode: '3271', form: { location: reklame.location } })
        .expect(201)
    ).body;
    expect(started.companyId).not.toBeNull();

    // Wulan finds Rudi's draft among the company's applications, completes it and submits it.
    const hers = (await api.get('/api/v1/applications').set(bearer(token.wulan)).expect(200)).body;
    expect(hers.items.map((a: { id: string }) => a.id)).toContain(started.id);
    for (const [kind, bytes, name] of [
      ['identity-card', PNG, 'ktp-direktur.png'],
      ['photo', PNG, 'lokasi.png'],
      ['site-plan', PDF, 'denah.pdf'],
    ] as const)
      await the.upload(token.wulan, started.id, kind, bytes, name).expect(201);
    await api
      .patch(`/api/v1/applications/${started.id}`)
      .set(bearer(token.wulan))
      .send({ form: reklame })
      .expect(200);
    const submitted = (
      await api.post(`/api/v1/applications/${started.id}/submit`).set(bearer(token.wulan)).expect(200)
    ).body;
    expect(submitted).toMatchObject({ status: 'in-review', trackingNumber: expect.stringMatching(/^3271-/) });

    // A citizen outside the company can neither see nor change it, and nothing changes.
    await api.get(`/api/v1/applications/${started.id}`).set(bearer(token.siti)).expect(404);
    await api
      .patch(`/api/v1/applications/${started.id}`)
      .set(bearer(token.siti))
      .send({ form: { location: 'elsewhere' } })
      .expect(404);
    expect(
      (await api.get(`/api/v1/applications/${started.id}`).set(bearer(token.rudi)).expect(200)).body.form,
    ).toEqual(submitted.form);

    // Two more files; Rudi follows all three, page by page, and each number publicly.
    for (const location of ['Jl. Juanda 10, Bogor', 'Jl. Suryakencana 2, Bogor'])
      await api
        .post('/api/v1/applications')
        .set(bearer(token.rudi))
        .send({ permitType: 'REKLAME', regionCode: '3271', form: { location } })
        .expect(201);
    const first = (await api.get('/api/v1/applications?limit=2').set(bearer(token.rudi)).expect(200)).body;
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const rest = (
      await api
        .get(`/api/v1/applications?limit=2&after=${encodeURIComponent(first.nextCursor)}`)
        .set(bearer(token.rudi))
        .expect(200)
    ).body;
    const all = [...first.items, ...rest.items];
    expect(new Set(all.map((a: { id: string }) => a.id)).size).toBe(3);
    expect(all.map((a: { status: string }) => a.status).sort()).toEqual(['draft', 'draft', 'in-review']);
    const followed = await the.trackUntil(submitted.trackingNumber, (v) => v.currentStages.length > 0);
    expect(followed.currentStages[0].agency.code).toBe('DPMPTSP');
  });

  it('G2G: a building permit goes through two agencies in parallel, with handoffs receipted on both sides', async () => {
    const citizen = token.siti;
    const draft = (
      await api
        .post('/api/v1/applications')
        .set(bearer(citizen))
        .send({ permitType: 'PBG', regionCode: '3271' })
        .expect(201)
    ).body;
    for (const [kind, bytes, name] of [
      ['identity-card', PNG, 'ktp.png'],
      ['certificate', PDF, 'shm.pdf'],
      ['technical-drawing', PDF, 'gambar.pdf'],
      ['site-plan', PDF, 'situasi.pdf'],
    ] as const)
      await the.upload(citizen, draft.id, kind, bytes, name).expect(201);
    const form = {
      buildingFunction: 'hunian',
      address: 'Jl. Pandu Raya 7, Bogor',
      siteArea: '32.71.05.1002',
      floorArea: 120,
      floors: 2,
      buildingIndex: 1.25,
      landCertificate: 'SHM-4321/2018',
    };
    await api.patch(`/api/v1/applications/${draft.id}`).set(bearer(citizen)).send({ form }).expect(200);
    const tn = (await api.post(`/api/v1/applications/${draft.id}/submit`).set(bearer(citizen)).expect(200))
      .body.trackingNumber as string;
    expect((await the.act(token.fo, draft.id, 'complete')).status).toBe(200);

    // Environment reviews the digital file at once; public works needs the paper dossier, sent to it.
    const inTransit = await waitFor(async () => {
      const d = (await api.get(`/api/v1/dossiers/${tn}`).set(bearer(token.fo)).expect(200)).body;
      return d.inTransit ? d : null;
    }, 20000);
    expect(inTransit.inTransit.to.code).toBe('DPUPR');
    const handoffId = inTransit.inTransit.handoffId as string;
    const publicInTransit = await the.trackUntil(tn, (v) => v.status === 'in-transit');
    expect(publicInTransit.currentStages.map((s) => s.agency.code).sort()).toEqual(['DLH', 'DPUPR']);

    // Environment does not hold the file: it cannot receive public works' handoff, send it on, or act for DPUPR.
    const notTheirs = await api.post(`/api/v1/handoffs/${handoffId}/receive`).set(bearer(token.dlh)).send({});
    expect([403, 404]).toContain(notTheirs.status);
    const dlhAgency = (await api.get('/api/v1/me').set(bearer(token.dlh)).expect(200)).body.principal
      .agencyId;
    const sendOn = await api
      .post(`/api/v1/dossiers/${tn}/handoffs`)
      .set(bearer(token.dlh))
      .send({ toAgencyId: dlhAgency, note: 'ambil alih' });
    expect([403, 409]).toContain(sendOn.status);
    const dpuprTask = await waitFor(() => the.taskOf(token.pu, draft.id), 20000);
    await api
      .post(`/api/v1/tasks/${dpuprTask.id}/actions`)
      .set(bearer(token.dlh))
      .send({ action: 'approve' })
      .expect(403);

    // Public works receives: the receipt names sender and receiver, and the public timeline shows both.
    const receipt = (
      await api
        .post(`/api/v1/handoffs/${handoffId}/receive`)
        .set(bearer(token.pu))
        .send({ note: 'Diterima lengkap' })
        .expect(200)
    ).body;
    expect(receipt).toMatchObject({
      status: 'received',
      from: { code: 'DPMPTSP' },
      to: { code: 'DPUPR' },
      manifestHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      resolvedBy: expect.objectContaining({ id: expect.any(String) }),
    });
    const senderCopy = (await api.get(`/api/v1/handoffs/${handoffId}`).set(bearer(token.fo)).expect(200))
      .body;
    expect(senderCopy.manifestHash).toBe(receipt.manifestHash);
    const atPublicWorks = await the.trackUntil(tn, (v) => v.holder.code === 'DPUPR');
    expect(atPublicWorks.timeline.map((e) => e.event)).toEqual(
      expect.arrayContaining(['handoff-sent', 'handoff-received']),
    );

    expect((await the.act(token.dlh, draft.id, 'approve')).status).toBe(200);
    const joined = await the.act(token.pu, draft.id, 'approve');
    expect(joined.body.openTasks.map((t: { stage: string }) => t.stage)).toEqual(['fee-assessment']);

    // Back to the one-stop office for the levy: another handoff, another receipt.
    const back = await waitFor(async () => {
      const d = (await api.get(`/api/v1/dossiers/${tn}`).set(bearer(token.pu)).expect(200)).body;
      return d.inTransit?.to.code === 'DPMPTSP' ? d : null;
    }, 20000);
    await api
      .post(`/api/v1/handoffs/${back.inTransit.handoffId}/receive`)
      .set(bearer(token.fo))
      .send({})
      .expect(200);
    await api
      .post(`/api/v1/applications/${draft.id}/payments`)
      .set(bearer(token.verifier))
      .send({ reference: 'BJB-PBG-7788' })
      .expect(200);
    expect((await the.act(token.verifier, draft.id, 'paid')).status).toBe(200);
    expect((await the.act(token.supervisor, draft.id, 'approve')).status).toBe(200);
    expect((await the.act(token.fo, draft.id, 'issue')).status).toBe(200);

    const done = await the.trackUntil(tn, (v) => v.status === 'closed');
    const events = done.timeline.map((e) => e.event);
    expect(events.filter((e) => e === 'handoff-sent')).toHaveLength(2);
    expect(events.filter((e) => e === 'handoff-received')).toHaveLength(2);
    const history = (await api.get(`/api/v1/dossiers/${tn}/history/verify`).set(bearer(token.fo)).expect(200))
      .body;
    expect(history.intact).toBe(true);
  });

  it('makes the demo files npm start prints, once', async () => {
    const files = await ensureDemoFiles(system.gatewayUrl, demo);
    const inReview = await the.trackUntil(files.inReview, (v) => v.currentStages.length > 0);
    expect(inReview.currentStages[0].agency.code).toBe('DINKES');
    expect((await the.trackUntil(files.issued, (v) => v.status === 'closed')).status).toBe('closed');
    expect(await ensureDemoFiles(system.gatewayUrl, demo)).toMatchObject(files);
  });

  it("fills the officers' desks with files at every stage, once, some of them late", async () => {
    const db = new URL(TEST_INFRA.databaseUrl);
    db.pathname = `/${system.databases.permits}`;
    const options = { perType: 10, permitsDatabaseUrl: db.href };
    const made = await ensureDemoDesk(system.gatewayUrl, demo, options);
    expect(made.PBG).toBeGreaterThan(0); // the other journeys made a few files already
    expect(made.aged).toBeGreaterThan(0);
    const token = {
      fo: await the.signIn(officer('DPMPTSP', 'front-office')),
      pu: await the.signIn(officer('DPUPR', 'reviewer')),
      supervisor: await the.signIn(officer('DPMPTSP', 'supervisor')),
      company: await the.signIn(demo.company.members[0].email),
    };
    // The one-stop office has work due first, some of it late, and some claimed.
    const desk = (await api.get('/api/v1/inbox?limit=100&counts=true').set(bearer(token.fo)).expect(200))
      .body;
    expect(desk.counts.overdue).toBeGreaterThan(0);
    expect(desk.counts.mine).toBeGreaterThan(0);
    expect(desk.items[0].dueState).toBe('overdue');
    // Public works has a paper dossier on its way to it, and files in review.
    const incoming = (
      await api.get('/api/v1/agency/dossiers?scope=incoming').set(bearer(token.pu)).expect(200)
    ).body;
    expect(incoming.items.length).toBeGreaterThan(0);
    expect(
      (await api.get('/api/v1/inbox').set(bearer(token.pu)).expect(200)).body.items.length,
    ).toBeGreaterThan(0);
    // The company's files stand at every status a file can have.
    const statuses = new Set(
      (await api.get('/api/v1/applications?limit=100').set(bearer(token.company)).expect(200)).body.items.map(
        (a: { status: string }) => a.status,
      ),
    );
    expect([...statuses].sort()).toEqual(expect.arrayContaining(['in-review', 'issued', 'returned']));
    const company = (await api.get('/api/v1/applications?limit=100').set(bearer(token.company)).expect(200))
      .body.items as Array<{ permitType: string }>;
    for (const type of ['REKLAME', 'PBG'])
      expect(company.filter((a) => a.permitType === type).length).toBeGreaterThanOrEqual(options.perType);
    // The supervisor sees their team's load.
    const team = (await api.get('/api/v1/team').set(bearer(token.supervisor)).expect(200)).body;
    expect(team.members.some((m: { load: { open: number } }) => m.load.open > 0)).toBe(true);
    // Again: nothing more is made.
    expect(await ensureDemoDesk(system.gatewayUrl, demo, options)).toEqual({
      SIP: 0,
      REKLAME: 0,
      PBG: 0,
      aged: 0,
    });
  });
});
