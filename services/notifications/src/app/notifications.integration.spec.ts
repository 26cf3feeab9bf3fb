import { randomUUID } from 'node:crypto';
import type { NoticeFacts } from '@berkas/contracts';
import { MailEnv } from '@berkas/config';
import { EmailChannel } from '@berkas/delivery';
import { createStandaloneClient, type StandaloneClient } from '@berkas/messaging';
import { officerPrincipal, waitFor } from '@berkas/testing';
import {
  startNotificationsUnderTest,
  type NotificationsUnderTest,
} from '../testing/notifications-under-test.spec';
import { practiceLicence } from '../testing/practice-licence.spec';
import { DailyDigest } from './digest/daily-digest';

// Notifications alone, on real PostgreSQL, JetStream and the providers' stand-ins, with permits and
// identity answered from fixtures held to proto/: reminders, officers' daily digests, once each.
describe('notifications on its own', () => {
  let t: NotificationsUnderTest;
  let client: StandaloneClient;
  const agency = { id: randomUUID(), code: 'DPMPTSP', regionCode: '3271' };
  const rina = officerPrincipal(agency, ['front-office'], { name: 'Rina Marlina' });
  const rinaContact = {
    personId: rina.id,
    kind: 'staff' as const,
    name: 'Rina Marlina',
    email: 'rina@dpmptsp.example.id',
    phone: null,
  };
  const siti = {
    personId: randomUUID(),
    kind: 'applicant' as const,
    name: 'Siti Aminah',
    email: null,
    phone: '+6281311112222',
  };
  const dinkes = { id: randomUUID(), code: 'DINKES' };
  const dewi = {
    personId: randomUUID(),
    kind: 'staff' as const,
    name: 'Dewi Lestari',
    email: 'dewi@dinkes.example.id',
    phone: null,
  };
  const facts = new Map<string, NoticeFacts>();

  beforeAll(async () => {
    t = await startNotificationsUnderTest();
    client = await createStandaloneClient(t.natsUrl);
    t.responder
      .on('permits.notices.facts', ({ applicationId }) => facts.get(applicationId) as NoticeFacts)
      .on('permits.calendars.get', ({ regionCode, year }) => ({
        regionCode,
        year,
        days: [
          {
            date: '2026-12-25',
            nameId: 'Hari Raya Natal',
            nameEn: 'Christmas Day',
            kind: 'national',
            regional: false,
          },
        ],
      }))
      .on('identity.contacts.resolve', (req) => ({
        people: [
          ...(req.roles?.some((r) => r.agencyId === dinkes.id)
            ? [dewi]
            : req.roles?.length || req.staffIds?.includes(rina.id)
              ? [rinaContact]
              : []),
          ...(req.applicantIds?.includes(siti.personId) ? [siti] : []),
        ],
      }));
  });
  afterAll(async () => {
    await client?.close();
    await t?.stop();
  });

  /** A file of Siti's at the front office's verification, as permits tells it after `step`. */
  function fileAt(step: Partial<NoticeFacts['step']>, over: Partial<NoticeFacts> = {}): NoticeFacts {
    const file = practiceLicence(
      { type: 'submitted', stage: null, effects: ['open-task'], opened: ['verification'], ...step },
      {
        applicantId: siti.personId,
        openTasks: [
          {
            taskId: randomUUID(),
            stage: 'verification',
            label: { id: 'Verifikasi kelengkapan berkas', en: 'Completeness check' },
            agencyId: agency.id,
            agencyCode: 'DPMPTSP',
            role: 'front-office',
            assigneeId: null,
            dueAt: '2026-12-02',
          },
        ],
        ...over,
      },
    );
    facts.set(file.applicationId, file);
    return file;
  }

  it("gathers what an officer chose to get daily into one digest, on the region's working day, once", async () => {
    const token = await t.responder.accessToken(rina);
    expect((await client.request('notifications.preferences.update', { digest: true }, token)).digest).toBe(
      true,
    );

    const file = fileAt({});
    await t.publish('evt.permits.application-changed', {
      applicationId: file.applicationId,
      permitType: 'SIP',
      status: 'in-review',
      change: 'submitted',
      historySeq: 2,
    });
    // Siti hears of it at once (by SMS: she gave only a phone, and the receipt is owed by law) ...
    await waitFor(
      async () => (await t.sms.messages(siti.phone)).find((m) => m.body.includes('diterima')) ?? null,
      15000,
    );
    // ... Rina's task waits for her digest, and so does the reminder of the task due tomorrow.
    await t.publish('evt.permits.reminder-due', {
      kind: 'task-due',
      applicationId: file.applicationId,
      taskId: file.openTasks[0].taskId,
      dueAt: '2026-12-02',
      workingDaysLeft: 1,
    });
    await waitFor(async () => {
      const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM digest_items WHERE person_id = $1`, [
        rina.id,
      ]);
      return n === 2 ? n : null;
    }, 15000);
    expect(await t.mail.messages(rinaContact.email)).toEqual([]);

    const digest = t.service(DailyDigest);
    // Not before 07:00 in Bogor, not on a Saturday, not on a holiday.
    expect(await digest.runOnce(new Date('2026-12-01T23:30:00Z'))).toBe(0); // 06:30 WIB
    expect(await digest.runOnce(new Date('2026-12-05T02:00:00Z'))).toBe(0); // Saturday
    expect(await digest.runOnce(new Date('2026-12-25T02:00:00Z'))).toBe(0); // Christmas
    expect(await digest.runOnce(new Date('2026-12-02T00:30:00Z'))).toBe(1); // 07:30 WIB, a Wednesday
    expect(await digest.runOnce(new Date('2026-12-02T05:00:00Z'))).toBe(0); // the same day again
    const mail = await waitFor(async () => (await t.mail.messages(rinaContact.email))[0] ?? null, 15000);
    expect(mail.subject).toBe('Ringkasan harian Berkas: 2 berkas perlu perhatian Anda');
    expect(mail.text).toContain('Tugas baru / new task: Verifikasi kelengkapan berkas 3271-26-7K4Q-X9M2-H');
    expect(mail.text).toContain('Tenggat besok / due tomorrow');
    expect((await t.mail.messages(rinaContact.email)).length).toBe(1);
  });

  it('asks identity once for the officers many files just reached together, and tells them of each file in their language', async () => {
    // Twelve files at once reach the health office's review (a busy morning): their notices are
    // pending together, so one pass of the planner takes them all.
    const files = Array.from({ length: 12 }, () =>
      fileAt(
        {
          type: 'action',
          stage: 'verification',
          action: 'verified',
          effects: ['open-task'],
          opened: ['competence-review'],
        },
        {
          openTasks: [
            {
              taskId: randomUUID(),
              stage: 'competence-review',
              label: { id: 'Telaah kompetensi', en: 'Competence review' },
              agencyId: dinkes.id,
              agencyCode: dinkes.code,
              role: 'reviewer',
              assigneeId: null,
              dueAt: '2026-12-09',
            },
          ],
        },
      ),
    );
    // Dewi reads her messages in English.
    const dewiToken = await t.responder.accessToken(
      officerPrincipal({ ...dinkes, regionCode: '3271' }, ['reviewer'], {
        id: dewi.personId,
        name: dewi.name,
      }),
    );
    await client.request('notifications.preferences.update', { language: 'en' }, dewiToken);
    t.responder.clearCalls();
    await t.db.query(
      `INSERT INTO notices (id, event_id, event_type, data, state)
       SELECT gen_random_uuid(), gen_random_uuid(), 'evt.permits.application-changed', d, 'pending'
       FROM jsonb_array_elements($1::jsonb) d`,
      [
        JSON.stringify(
          files.map((f) => ({
            applicationId: f.applicationId,
            permitType: 'SIP',
            status: 'in-review',
            change: 'action',
            historySeq: 2,
          })),
        ),
      ],
    );
    const mails = await waitFor(async () => {
      const got = await t.mail.messages(dewi.email);
      return got.length >= files.length ? got : null;
    }, 20000);
    expect(mails).toHaveLength(files.length);
    // In English, names and dates included: no Indonesian words in her English sentences.
    expect(
      mails.every((m) => m.text.includes('Competence review') && m.text.includes('9 December 2026')),
    ).toBe(true);
    expect(mails.some((m) => /Telaah|Desember|Surat Izin/.test(`${m.subject} ${m.text}`))).toBe(false);
    const askedForDewi = t.responder
      .calls('identity.contacts.resolve')
      .filter((c) => c.payload.roles?.some((r) => r.agencyId === dinkes.id));
    expect(askedForDewi).toHaveLength(1);
    // Each file's own facts are still asked of permits, one request a file.
    expect(t.responder.calls('permits.notices.facts')).toHaveLength(files.length);
  });

  it('reminds an applicant of the correction deadline while the file still waits on them, and not after', async () => {
    const waiting = fileAt(
      { type: 'action', effects: ['returned-to-applicant'], opened: [] },
      { status: 'returned', openTasks: [] },
    );
    await t.publish('evt.permits.reminder-due', {
      kind: 'correction-deadline',
      applicationId: waiting.applicationId,
      dueAt: '2026-12-11',
      workingDaysLeft: 3,
    });
    const sms = await waitFor(
      async () => (await t.sms.messages(siti.phone)).find((m) => m.body.includes('3 hari kerja')) ?? null,
      15000,
    );
    expect(sms.body).toContain('paling lambat 11 Desember 2026');
    // Answered meanwhile: a reminder that arrives late says nothing.
    const answered = fileAt({ type: 'resubmitted', effects: ['resumed'], opened: [] });
    const before = (await t.sms.messages(siti.phone)).length;
    const id = await t.publish('evt.permits.reminder-due', {
      kind: 'correction-deadline',
      applicationId: answered.applicationId,
      dueAt: '2026-12-11',
      workingDaysLeft: 1,
    });
    await waitFor(async () => {
      const [row] = await t.db.query(`SELECT state FROM notices WHERE event_id = $1`, [id]);
      return row?.state === 'planned' ? row : null;
    }, 15000);
    expect((await t.sms.messages(siti.phone)).length).toBe(before);
  });

  it('sends again, once and as the same mail, an email whose replica died after the mail server took it', async () => {
    // What a replica left when it was killed between the server's "250 OK" and recording it: the mail
    // is at the sink, and its message still queued, marked as being sent, with the lease run out.
    const [noticeId, messageId] = [randomUUID(), randomUUID()];
    const to = 'dewi.interrupted@warga.example.id';
    await new EmailChannel(t.service(MailEnv)).send({
      channel: 'email',
      to,
      subject: 'Permohonan diterima',
      text: 'Yth. Dewi',
      reference: messageId,
    });
    await t.db.transaction(async (m) => {
      await m.query(
        `INSERT INTO notices (id, event_id, event_type, data, state) VALUES ($1, $2, 'evt.permits.application-changed', '{}', 'planned')`,
        [noticeId, randomUUID()],
      );
      await m.query(
        `INSERT INTO messages (id, notice_id, notice, recipient_id, recipient_kind, recipient_name, channel, address,
           language, variables, subject, body, status, next_attempt_at, send_started_at)
         VALUES ($1, $2, 'submitted', $3, 'applicant', 'Dewi', 'email', $4, 'id', '{}', 'Permohonan diterima',
           'Yth. Dewi', 'queued', now(), now() - interval '61 seconds')`,
        [messageId, noticeId, randomUUID(), to],
      );
    });

    const settled = await waitFor(async () => {
      const [row] = await t.db.query(`SELECT status, send_started_at FROM messages WHERE id = $1`, [
        messageId,
      ]);
      return row.status === 'delivered' ? row : null;
    }, 15000);
    expect(settled.send_started_at).toBeNull();
    // Sent again with the same Message-ID, which tells a mail reader it is the same mail; said so in its history.
    const mails = await t.mail.messages(to);
    expect(mails.map((m) => m.headers['message-id'])).toEqual([
      `<${messageId}@berkas>`,
      `<${messageId}@berkas>`,
    ]);
    const history = await t.db.query(
      `SELECT status, detail FROM message_statuses WHERE message_id = $1 ORDER BY id`,
      [messageId],
    );
    expect(history).toEqual([
      { status: 'queued', detail: 'sent again after an interrupted send' },
      { status: 'delivered', detail: null },
    ]);
  });
});
