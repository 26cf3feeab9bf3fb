import request from 'supertest';
import { waitFor } from '@berkas/testing';
import { bearer, demo, officer, people, registerApplicant, type Api } from './support/api';
import { startSystem, type RunningSystem } from './support/system';

jest.setTimeout(240_000);

interface FileMessage {
  id: string;
  fallbackFor: string | null;
  notice: string;
  channel: string;
  status: string;
  recipient: { name: string; address: string; kind: string };
  reason: string | null;
}

/**
 * People hear about their files without asking: a file walked from submission to issue leaves exactly
 * the expected messages at the real SMTP sink and SMS gateway stand-in, in Indonesian, with links that
 * lead to the file, and the file's messages and their statuses can be read back through the API.
 */
describe('notifications', () => {
  let system: RunningSystem;
  let api: Api;
  let the: ReturnType<typeof people>;
  const token: Record<string, string> = {};

  beforeAll(async () => {
    // Numbers starting +62899 have no WhatsApp: Meta reports the message failed (131026).
    system = await startSystem({ whatsapp: ['--not-on-whatsapp', '+62899'] });
    api = request(system.gatewayUrl);
    the = people(api);
    for (const [who, username] of Object.entries({
      fo: officer('DPMPTSP', 'front-office'),
      supervisor: officer('DPMPTSP', 'supervisor'),
      dinkes: officer('DINKES', 'reviewer'),
    }))
      token[who] = await the.signIn(username);
  });
  afterAll(() => system?.stop());

  const messagesOf = async (tokenOf: string, applicationId: string): Promise<FileMessage[]> =>
    (await api.get(`/api/v1/applications/${applicationId}/messages`).set(bearer(tokenOf)).expect(200)).body
      .items;

  it('tells the applicant each step of a file by email, and the officers what reaches their queue', async () => {
    const citizen = {
      kind: 'person',
      name: 'Ayu Lestari',
      email: 'ayu.notif@warga.example.id',
      nik: '3271045507920011',
      password: 'kebun raya bogor 1817',
    };
    await registerApplicant(api, system.mail, citizen);
    const ayu = await the.signIn(citizen.email, citizen.password);
    const mailsToAyu = async () =>
      (await system.mail.messages(citizen.email)).filter((m) => !/kode|code/i.test(m.subject));

    const { id, trackingNumber: tn } = await the.submittedSip(ayu);
    const received = await waitFor(async () => (await mailsToAyu())[0] ?? null, 20000);
    expect(received.subject).toMatch(new RegExp(`^Permohonan .+ diterima: ${tn}$`));
    expect(received.text).toContain(`Yth. ${citizen.name}`);
    expect(received.text).toContain(tn);
    // Its link leads to Ayu's file in the pages (which ask her to sign in first).
    const link = /(http\S+\/permohonan\/\S+)/.exec(received.text)![1];
    expect(link).toBe(`${system.webUrl}/permohonan/${id}`);
    expect([200, 302, 303]).toContain((await fetch(link, { redirect: 'manual' })).status);

    // The front office hears the file is in its queue.
    const rina = officer('DPMPTSP', 'front-office');
    const queued = await waitFor(
      async () => (await system.mail.messages(rina)).find((m) => m.subject.includes(tn)) ?? null,
      20000,
    );
    expect(queued.subject).toMatch(/^Tugas baru: /);
    expect(queued.text).toContain(`${system.webUrl}/meja/berkas/${id}`);

    // Returned with the officer's words and the fix list: Ayu reads both.
    expect(
      (await the.act(token.fo, id, 'return', 'Scan STR tidak terbaca', 'dokumen-tidak-terbaca')).status,
    ).toBe(200);
    const returned = await waitFor(
      async () => (await mailsToAyu()).find((m) => m.subject.includes('perlu Anda perbaiki')) ?? null,
      20000,
    );
    expect(returned.subject).toBe(`Permohonan ${tn} perlu Anda perbaiki`);
    expect(returned.text).toContain('Scan STR tidak terbaca');

    await api.post(`/api/v1/applications/${id}/resubmit`).set(bearer(ayu)).expect(200);
    expect((await the.act(token.fo, id, 'complete')).status).toBe(200);
    const complete = await waitFor(
      async () => (await mailsToAyu()).find((m) => m.subject.includes('lengkap')) ?? null,
      20000,
    );
    expect(complete.subject).toMatch(
      new RegExp(`^Berkas ${tn} lengkap; selesai paling lambat \\d{1,2} \\w+ \\d{4}$`),
    );
    expect((await the.act(token.dinkes, id, 'recommend')).status).toBe(200);
    expect((await the.act(token.supervisor, id, 'approve')).status).toBe(200);
    expect((await the.act(token.fo, id, 'issue')).status).toBe(200);
    const issued = await waitFor(
      async () => (await mailsToAyu()).find((m) => m.subject.startsWith('Izin ')) ?? null,
      20000,
    );
    const permit = (await api.get(`/api/v1/applications/${id}/permit`).set(bearer(ayu)).expect(200)).body;
    expect(issued.text).toContain(permit.number);

    // Exactly these, once each, however the events were delivered.
    await new Promise((r) => setTimeout(r, 1500));
    const subjects = (await mailsToAyu()).map((m) => m.subject.split(':')[0].split(' ')[0]).sort();
    expect(subjects).toEqual(['Berkas', 'Izin', 'Permohonan', 'Permohonan'].sort());

    // The file's page lists what Ayu was told, masked, each delivered (the mail server took it).
    const listed = await messagesOf(ayu, id);
    expect(listed.map((m) => m.notice).sort()).toEqual(['complete', 'issued', 'returned', 'submitted']);
    for (const m of listed) {
      expect(m).toMatchObject({ channel: 'email', status: 'delivered', recipient: { kind: 'applicant' } });
      expect(m.recipient.address).toBe('a***@warga.example.id');
    }
    // Officers of the region see the officers' messages too; another applicant sees nothing of the file.
    const forOfficers = await messagesOf(token.supervisor, id);
    expect(forOfficers.some((m) => m.notice === 'task-queued' && m.recipient.kind === 'staff')).toBe(true);
    const siti = await the.signIn(demo.person.email);
    const refused = await api.get(`/api/v1/applications/${id}/messages`).set(bearer(siti)).expect(404);
    expect(refused.body.code).toBe('NOT_FOUND');
  });

  it('reaches an applicant who gave only a phone by SMS for what the law requires, and follows its delivery', async () => {
    const phone = '+6281377001122';
    await api
      .post('/api/v1/auth/register')
      .send({
        kind: 'person',
        name: 'Dedi Kurniawan',
        phone,
        nik: '3271041203850009',
        password: 'talas bogor enak sekali',
      })
      .expect(202);
    const code = await waitFor(
      async () => /\b(\d{6})\b/.exec((await system.sms.messages(phone))[0]?.body ?? '')?.[1] ?? null,
      10000,
    );
    await api.post('/api/v1/auth/register/confirm').send({ login: phone, code }).expect(201);
    const dedi = await the.signIn(phone, 'talas bogor enak sekali');
    const { id, trackingNumber: tn } = await the.submittedSip(dedi);
    const sms = await waitFor(
      async () => (await system.sms.messages(phone)).find((m) => m.body.includes(tn)) ?? null,
      20000,
    );
    expect(sms.body).toMatch(/^Berkas: permohonan .* diterima, no\. lacak /);
    // The gateway's status callback, signed by the SMS gateway, moves the message to delivered.
    const listed = await waitFor(async () => {
      const items = await messagesOf(dedi, id);
      return items.find((m) => m.notice === 'submitted' && m.status === 'delivered') ?? null;
    }, 20000);
    expect(listed).toMatchObject({ channel: 'sms', recipient: { address: '+62813****1122' } });
  });

  /** Registers a person by phone only (the code comes by SMS) and signs them in. */
  const registerByPhone = async (name: string, phone: string, nik: string): Promise<string> => {
    const password = 'talas bogor enak sekali';
    await api.post('/api/v1/auth/register').send({ kind: 'person', name, phone, nik, password }).expect(202);
    const code = await waitFor(
      async () => /\b(\d{6})\b/.exec((await system.sms.messages(phone))[0]?.body ?? '')?.[1] ?? null,
      10000,
    );
    await api.post('/api/v1/auth/register/confirm').send({ login: phone, code }).expect(201);
    return the.signIn(phone, password);
  };

  it('writes by WhatsApp to whoever opted in, follows its reports, and stops when they withdraw from the message', async () => {
    const phone = '+6281388004455';
    const nur = await registerByPhone('Nur Hidayah', phone, '3271044709900002');
    const consent = await api
      .patch('/api/v1/me/notifications')
      .set(bearer(nur))
      .send({ whatsapp: true, sms: true })
      .expect(200);
    expect(consent.body.consents.whatsapp).toMatchObject({ given: true, how: 'account' });

    const { id, trackingNumber: tn } = await the.submittedSip(nur);
    const sent = await waitFor(async () => (await system.whatsapp.messages(phone))[0] ?? null, 20000);
    expect(sent.template).toMatchObject({ name: 'berkas_diterima', language: 'id' });
    expect(sent.template!.parameters[1]).toBe(tn);
    // Meta's signed reports come back through the public address and move the message forward only.
    await waitFor(async () => {
      const items = await messagesOf(nur, id);
      return items.find((m) => m.channel === 'whatsapp' && m.status === 'delivered') ?? null;
    }, 20000);
    expect(await system.sms.messages(phone).then((all) => all.filter((m) => m.body.includes(tn)))).toEqual(
      [],
    );

    // The link at the end of the message withdraws consent to WhatsApp, no sign-in needed.
    const stopLink = sent.template!.parameters.at(-1)!;
    const linkToken = stopLink.split('/berhenti/')[1];
    const withdrawn = await api.post('/api/v1/consents/withdraw').send({ token: linkToken }).expect(200);
    expect(withdrawn.body).toEqual({ channel: 'whatsapp', address: '+62813****4455' });
    const after = (await api.get('/api/v1/me/notifications').set(bearer(nur)).expect(200)).body;
    expect(after.consents.whatsapp).toMatchObject({ given: false, how: 'message-link' });
    expect(after.consents.sms.given).toBe(true);

    // What comes next goes by SMS, the channel she still allows; WhatsApp stays silent.
    expect((await the.act(token.fo, id, 'return', 'Foto STR buram', 'dokumen-tidak-terbaca')).status).toBe(
      200,
    );
    const sms = await waitFor(
      async () => (await system.sms.messages(phone)).find((m) => m.body.includes('dikembalikan')) ?? null,
      20000,
    );
    expect(sms.body).toContain('Foto STR buram');
    expect((await system.whatsapp.messages(phone)).length).toBe(1);
  });

  it('falls back to SMS when WhatsApp cannot reach the number', async () => {
    const phone = '+6289912345678';
    const eko = await registerByPhone('Eko Prasetyo', phone, '3271041101880007');
    await api.patch('/api/v1/me/notifications').set(bearer(eko)).send({ whatsapp: true }).expect(200);
    const { id, trackingNumber: tn } = await the.submittedSip(eko);
    const sms = await waitFor(
      async () => (await system.sms.messages(phone)).find((m) => m.body.includes(tn)) ?? null,
      20000,
    );
    expect(sms.body).toMatch(/diterima/);
    const items = await messagesOf(eko, id);
    const whatsapp = items.find((m) => m.channel === 'whatsapp')!;
    expect(whatsapp).toMatchObject({ status: 'failed', reason: expect.stringContaining('131026') });
    expect(items.find((m) => m.channel === 'sms')).toMatchObject({ fallbackFor: whatsapp.id });
  });

  it('refuses a delivery report without the provider signature', async () => {
    const forged = await request(system.webUrl)
      .post('/api/v1/delivery-reports/whatsapp')
      .set('content-type', 'application/json')
      .set('x-hub-signature-256', 'sha256=00')
      .send(JSON.stringify({ object: 'whatsapp_business_account', entry: [] }))
      .expect(401);
    expect(forged.body.code).toBe('FORGED_REPORT');
    const challenge = await request(system.webUrl)
      .get(
        '/api/v1/delivery-reports/whatsapp?hub.mode=subscribe&hub.verify_token=dev-verify-token&hub.challenge=1158201444',
      )
      .expect(200);
    expect(challenge.text).toBe('1158201444');
  });
});
