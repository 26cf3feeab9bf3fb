import { randomUUID } from 'node:crypto';
import { AppError, type NoticeFacts } from '@berkas/contracts';
import { createStandaloneClient, type StandaloneClient } from '@berkas/messaging';
import { officerPrincipal, waitFor } from '@berkas/testing';
import {
  startNotificationsUnderTest,
  type NotificationsUnderTest,
} from '../../testing/notifications-under-test.spec';
import { practiceLicence } from '../../testing/practice-licence.spec';
import { TemplateBook } from './template-book';

// The notices' wording as a system-admin edits it, on real PostgreSQL and JetStream: saved as a draft
// (refused, writing nothing, when it breaks a rule), previewed, published, and the next notice worded
// with it, the message recording the version.
describe('notice templates an operator edits', () => {
  let t: NotificationsUnderTest;
  let client: StandaloneClient;
  const agency = { id: randomUUID(), code: 'DPMPTSP', regionCode: '3271' };
  const hendra = officerPrincipal(agency, ['system-admin', 'agency-admin'], { name: 'Hendra Wijaya' });
  const rina = officerPrincipal(agency, ['front-office'], { name: 'Rina Kusumawati' });
  const siti = {
    personId: randomUUID(),
    kind: 'applicant' as const,
    name: 'Siti Aminah',
    email: null,
    phone: '+6281322223333',
  };
  const facts = new Map<string, NoticeFacts>();
  let admin: string;

  beforeAll(async () => {
    t = await startNotificationsUnderTest();
    client = await createStandaloneClient(t.natsUrl);
    t.responder
      .on('permits.notices.facts', ({ applicationId }) => facts.get(applicationId) as NoticeFacts)
      .on('identity.contacts.resolve', (req) => ({
        people: req.applicantIds?.includes(siti.personId) ? [siti] : [],
      }));
    admin = await t.responder.accessToken(hendra);
  });
  afterAll(async () => {
    await client?.close();
    await t?.stop();
  });

  /** Siti's practice licence, just submitted: she is owed a receipt (by SMS: she gave only a phone). */
  async function submitted(trackingNumber: string): Promise<string> {
    const applicationId = randomUUID();
    facts.set(
      applicationId,
      practiceLicence(
        { type: 'submitted', stage: null },
        { applicationId, trackingNumber, applicantId: siti.personId },
      ),
    );
    await t.publish('evt.permits.application-changed', {
      applicationId,
      permitType: 'SIP',
      status: 'in-review',
      change: 'submitted',
      historySeq: 2,
    });
    const sms = await waitFor(
      async () => (await t.sms.messages(siti.phone)).find((m) => m.body.includes(trackingNumber)) ?? null,
      15000,
    );
    const [row] = await t.db.query(
      `SELECT template_version FROM messages WHERE application_id = $1 AND channel = 'sms'`,
      [applicationId],
    );
    return `${row.template_version}: ${sms.body}`;
  }

  const versionsOf = async (kind: string, language: string) =>
    (
      await t.db.query(`SELECT count(*)::int AS n FROM template_versions WHERE kind = $1 AND language = $2`, [
        kind,
        language,
      ])
    )[0].n as number;

  it('start from the shipped wording, version 1 of every notice in both languages, published by Berkas', async () => {
    const list = await client.request('notifications.templates.list', {}, admin);
    expect(list.items.map((i) => i.kind)).toEqual(
      expect.arrayContaining(['submitted', 'returned', 'digest']),
    );
    for (const item of list.items)
      expect(item.languages).toEqual([
        {
          language: 'id',
          published: { version: 1, by: expect.objectContaining({ id: 'system' }) },
          draft: null,
        },
        {
          language: 'en',
          published: { version: 1, by: expect.objectContaining({ id: 'system' }) },
          draft: null,
        },
      ]);
    const detail = await client.request(
      'notifications.templates.get',
      { kind: 'submitted', language: 'id' },
      admin,
    );
    expect(detail).toMatchObject({
      audience: 'applicant',
      legallyRequired: true,
      whatsappTemplate: {
        name: 'berkas_diterima',
        parameters: ['permitType', 'trackingNumber', 'link', 'stopLink'],
      },
      limits: { subject: 200, sms: 480, whatsapp: 1024 },
    });
    expect(detail.variables).toContainEqual({
      name: 'stopLink',
      example: expect.stringMatching(/\/berhenti\//),
    });
    expect(detail.versions).toEqual([
      expect.objectContaining({
        version: 1,
        inUse: true,
        saved: expect.objectContaining({ name: 'Berkas' }),
      }),
    ]);
    // The English wording is previewed as a message in English has it: names and dates in English.
    const english = await client.request(
      'notifications.templates.preview',
      { kind: 'task-queued', language: 'en' },
      admin,
    );
    expect(english.email.body).toContain('Completeness check');
    expect(`${english.email.subject} ${english.email.body}`).not.toMatch(/Verifikasi|Desember|Surat Izin/);
  });

  it('refuse a bad draft, naming each field, and write nothing', async () => {
    const before = await versionsOf('submitted', 'id');
    const refusal = await client
      .request(
        'notifications.templates.save-draft',
        {
          kind: 'submitted',
          language: 'id',
          subject: 'Permohonan {{trackingNumber}} diterima',
          email: 'Yth. {{name}}, {{#permitType}}izin{{/permitType}} {{preferencesLink}}',
          sms: 'Berkas: {{trackingNumber}} diterima. {{link}}',
          whatsapp: 'Permohonan {{trackingNumber}} diterima. {{link}} Stop: {{stopLink}}',
        },
        admin,
      )
      .catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ code: 'INVALID_TEMPLATE', status: 400 });
    expect((refusal as AppError).details).toEqual([
      { path: '/email', message: 'uses {{#permitType}}, a section: only {{name}} is allowed' },
      { path: '/sms', message: 'must keep {{stopLink}}' },
      {
        path: '/whatsapp',
        message: expect.stringMatching(
          /^must use exactly the parameters of its registered template berkas_diterima/,
        ),
      },
    ]);
    expect(await versionsOf('submitted', 'id')).toBe(before);
    // A notice Berkas does not send, and a system-admin's only: refused before anything is read.
    await expect(
      client.request('notifications.templates.get', { kind: 'no-such-notice', language: 'id' }, admin),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      client.request('notifications.templates.list', {}, await t.responder.accessToken(rina)),
    ).rejects.toMatchObject({ code: 'CALLER_NOT_ALLOWED' });
  });

  it('save a draft, preview it, publish it, and word the next notice with it', async () => {
    // Before: the shipped wording, version 1.
    expect(await submitted('3271-26-7K4Q-X9M2-H')).toMatch(
      /^1: Berkas: permohonan Surat Izin Praktik diterima/,
    );

    const shipped = (
      await client.request('notifications.templates.get', { kind: 'submitted', language: 'id' }, admin)
    ).versions[0];
    const draft = await client.request(
      'notifications.templates.save-draft',
      {
        kind: 'submitted',
        language: 'id',
        subject: shipped.subject,
        email: shipped.email,
        sms: 'Berkas Kota Bogor: permohonan {{permitType}} Anda SUDAH KAMI TERIMA, no. lacak {{trackingNumber}}. {{link}} Stop: {{stopLink}}',
        whatsapp: shipped.whatsapp,
      },
      admin,
    );
    expect(draft).toMatchObject({
      version: 2,
      inUse: false,
      published: null,
      saved: { id: hendra.id, name: 'Hendra Wijaya' },
    });
    expect(
      (await client.request('notifications.templates.list', {}, admin)).items.find(
        (i) => i.kind === 'submitted',
      ),
    ).toMatchObject({
      languages: [
        { language: 'id', published: { version: 1 }, draft: { version: 2 } },
        { language: 'en', draft: null },
      ],
    });

    // The preview fills the draft in with the examples; nothing is sent, nothing changes.
    const preview = await client.request(
      'notifications.templates.preview',
      { kind: 'submitted', language: 'id' },
      admin,
    );
    expect(preview).toMatchObject({ version: 2, inUse: false });
    expect(preview.sms.body).toMatch(
      /^Berkas Kota Bogor: permohonan Surat Izin Praktik Bidan Anda SUDAH KAMI TERIMA, no\. lacak 3271-26-7K4Q-X9M2-H\. https:\/\/berkas\.example\.id\/permohonan\/\S+ Stop: https:\/\/berkas\.example\.id\/berhenti\/\S+$/,
    );
    expect(preview.sms.length).toBe(preview.sms.body.length);
    expect(preview.whatsapp).toMatchObject({
      template: 'berkas_diterima',
      parameters: ['Surat Izin Praktik Bidan', '3271-26-7K4Q-X9M2-H', expect.any(String), expect.any(String)],
    });
    expect(preview.email.body).toContain('Yth. Siti Aminah,');
    // A notice meanwhile is still worded with the version in use.
    expect(await submitted('3271-26-ABCD-EFGH-J')).toMatch(/^1: Berkas: permohonan/);

    const published = await client.request(
      'notifications.templates.publish',
      { kind: 'submitted', language: 'id', version: 2 },
      admin,
    );
    expect(published).toMatchObject({
      version: 2,
      inUse: true,
      published: { id: hendra.id, name: 'Hendra Wijaya' },
    });
    expect(await submitted('3271-26-MNPQ-RSTV-W')).toMatch(
      /^2: Berkas Kota Bogor: permohonan Surat Izin Praktik Anda SUDAH KAMI TERIMA, no\. lacak 3271-26-MNPQ-RSTV-W\./,
    );

    // History is kept: going back to version 1 is one more publication, and version 2 stays as it was.
    await client.request(
      'notifications.templates.publish',
      { kind: 'submitted', language: 'id', version: 1 },
      admin,
    );
    const detail = await client.request(
      'notifications.templates.get',
      { kind: 'submitted', language: 'id' },
      admin,
    );
    expect(detail.versions.map((v) => [v.version, v.inUse, v.published?.name])).toEqual([
      [2, false, 'Hendra Wijaya'],
      [1, true, 'Hendra Wijaya'],
    ]);
    expect(detail.versions[0].sms).toContain('SUDAH KAMI TERIMA');
    const [{ n }] = await t.db.query(
      `SELECT count(*)::int AS n FROM template_publications WHERE kind = 'submitted' AND language = 'id'`,
    );
    expect(n).toBe(3);
    await expect(
      client.request(
        'notifications.templates.publish',
        { kind: 'submitted', language: 'id', version: 9 },
        admin,
      ),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });

    // Published by another replica: this one reads it within seconds, on its own.
    const book = t.service(TemplateBook);
    expect(book.render('submitted', 'sms', 'id', {}).templateVersion).toBe(1);
    await t.db.query(
      `INSERT INTO template_publications (kind, language, version, published_by_id, published_by_name)
       VALUES ('submitted', 'id', 2, $1, 'Hendra Wijaya')`,
      [hendra.id],
    );
    const seen = await waitFor(async () => {
      const r = book.render('submitted', 'sms', 'id', {});
      return r.templateVersion === 2 ? r : null;
    }, 5000);
    expect(seen.body).toContain('SUDAH KAMI TERIMA');
  });

  it("take a release's new wording: in use at once where Berkas' own was, a draft beside an operator's", async () => {
    const book = t.service(TemplateBook);
    const shippedBefore = structuredClone(book.shipped.notices);
    const versions = async (kind: string, language: 'id' | 'en') =>
      (await client.request('notifications.templates.get', { kind, language }, admin)).versions.map((v) => ({
        version: v.version,
        inUse: v.inUse,
        savedBy: v.saved.name,
        publishedBy: v.published?.name ?? null,
      }));
    try {
      // The front office words its correction requests its own way.
      const [returned] = (
        await client.request('notifications.templates.get', { kind: 'returned', language: 'id' }, admin)
      ).versions;
      const own = await client.request(
        'notifications.templates.save-draft',
        {
          kind: 'returned',
          language: 'id',
          subject: returned.subject,
          email: `${returned.email}\n\nLoket DPMPTSP Kota Bogor buka Senin–Jumat 08.00–15.00.`,
          sms: returned.sms,
          whatsapp: returned.whatsapp,
        },
        admin,
      );
      await client.request(
        'notifications.templates.publish',
        { kind: 'returned', language: 'id', version: own.version },
        admin,
      );

      // The next release words both the daily digest in English and the correction request anew.
      const fix = '\n\nThis summary lists only files assigned to you or your role.';
      book.shipped.notices['digest'].en.email += fix;
      book.shipped.notices['returned'].id.email += '\n\nBalas pesan ini tidak dibaca.';
      await book.takeShipped();
      await book.refresh();

      // The digest was Berkas' wording: the release's is in use at once, and what it sends says so.
      expect(await versions('digest', 'en')).toEqual([
        { version: 2, inUse: true, savedBy: 'Berkas', publishedBy: 'Berkas' },
        { version: 1, inUse: false, savedBy: 'Berkas', publishedBy: 'Berkas' },
      ]);
      const digest = book.render('digest', 'email', 'en', {});
      expect(digest.templateVersion).toBe(2);
      expect(digest.body).toContain('only files assigned to you');
      // The correction request was the office's: theirs stays in use, the release's waits as a draft.
      expect(await versions('returned', 'id')).toEqual([
        { version: own.version + 1, inUse: false, savedBy: 'Berkas', publishedBy: null },
        { version: own.version, inUse: true, savedBy: 'Hendra Wijaya', publishedBy: 'Hendra Wijaya' },
        { version: 1, inUse: false, savedBy: 'Berkas', publishedBy: 'Berkas' },
      ]);
      expect(book.render('returned', 'email', 'id', {}).templateVersion).toBe(own.version);
      const listed = (await client.request('notifications.templates.list', {}, admin)).items.find(
        (i) => i.kind === 'returned',
      );
      expect(listed?.languages[0]).toMatchObject({
        published: { version: own.version },
        draft: { version: own.version + 1, by: { name: 'Berkas' } },
      });

      // Starting again with the same release adds nothing.
      const before = await t.db.query(`SELECT count(*)::int AS n FROM template_versions`);
      await book.takeShipped();
      expect(await t.db.query(`SELECT count(*)::int AS n FROM template_versions`)).toEqual(before);
    } finally {
      Object.assign(book.shipped.notices, shippedBefore);
    }
  });
});
