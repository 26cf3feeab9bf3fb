import { randomUUID } from 'node:crypto';
import type { ApplicationEvent } from '@berkas/contracts';
import type { StandaloneClient } from '@berkas/messaging';
import { rejectionOf } from '@berkas/testing';
import {
  startPermitsUnderTest,
  type Person,
  type PermitsUnderTest,
} from '../../testing/permits-under-test.spec';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const VERIFICATION_LABEL = { id: 'Verifikasi kelengkapan berkas', en: 'Completeness check' };

// permits.notices.facts on real PostgreSQL, asked as the notifications service, with identity and
// tracking answered from fixtures that proto/ holds to their contracts: a practice licence walked
// from its draft through a return with a fix list to its permit, one step at a time.
describe('facts for notices', () => {
  let t: PermitsUnderTest;
  let notifications: StandaloneClient;
  let rina: Person;
  let dinkes: Person;
  let supervisor: Person;

  beforeAll(async () => {
    t = await startPermitsUnderTest();
    notifications = await t.asService('notifications');
    rina = await t.officer('DPMPTSP', ['front-office']);
    dinkes = await t.officer('DINKES', ['reviewer']);
    supervisor = await t.officer('DPMPTSP', ['supervisor']);
    // The issued permit's PDF goes into the dossier (permits' follow-up, after the issue commits).
    t.responder.on('tracking.documents.register', ({ sha256, size, mediaType }) => ({
      id: randomUUID(),
      kind: 'issued-permit',
      version: 1,
      previousId: null,
      sha256,
      size,
      mediaType: mediaType ?? 'application/pdf',
      fileName: 'izin.pdf',
      uploadedAt: new Date().toISOString(),
      uploadedBy: { kind: 'service', id: 'permits' },
      withdrawnAt: null,
    }));
  });
  afterEach(async () => {
    t.responder.clearCalls();
    await t.verify();
  });
  afterAll(() => t?.stop());

  const facts = (applicationId: string, historySeq: number) =>
    notifications.request('permits.notices.facts', { applicationId, historySeq });

  /** The application-changed events the application's changes put in the outbox, in order. */
  async function changes(applicationId: string): Promise<ApplicationEvent[]> {
    const rows: Array<{ data: ApplicationEvent }> = await t.db.query(
      `SELECT payload->'data' AS data FROM outbox
       WHERE subject = 'evt.permits.application-changed' AND payload->'data'->>'applicationId' = $1
       ORDER BY seq`,
      [applicationId],
    );
    return rows.map((r) => r.data);
  }

  /** The history seq the last application-changed event of the application carried. */
  const lastSeq = async (applicationId: string) => (await changes(applicationId)).at(-1)!.historySeq!;

  it('tells each step of a file from its event: the open tasks, the return and its fix list, the permit', async () => {
    const app = await t.submittedSip();
    const submittedSeq = await lastSeq(app.id);

    // Submitted: the completeness check is open at the front office, due in its working days.
    const afterSubmit = await facts(app.id, submittedSeq);
    expect(afterSubmit).toMatchObject({
      applicationId: app.id,
      trackingNumber: app.trackingNumber,
      permitType: { code: 'SIP', name: { id: 'Surat Izin Praktik Tenaga Kesehatan' } },
      regionCode: '3271',
      applicantId: app.siti.principal.id,
      companyId: null,
      holderName: expect.any(String),
      status: 'in-review',
      step: {
        seq: submittedSeq,
        type: 'submitted',
        occurredAt: expect.any(String),
        stage: null,
        action: null,
        note: null,
        effects: ['open-task'],
      },
      correction: null,
      fee: null,
      permit: null,
    });
    expect(afterSubmit.openTasks).toEqual([
      {
        taskId: app.submitted.openTasks[0].id,
        stage: 'verification',
        label: VERIFICATION_LABEL,
        agencyId: t.agencies.DPMPTSP.id,
        agencyCode: 'DPMPTSP',
        role: 'front-office',
        assigneeId: null,
        dueAt: expect.stringMatching(DATE),
      },
    ]);

    // The front office returns it with a note and a fix list.
    const note = 'Nomor STR tidak terbaca.\nUnggah ulang STR yang jelas.';
    await t.client.request(
      'permits.tasks.act',
      {
        id: app.submitted.openTasks[0].id,
        action: 'return',
        note,
        reason: 'dokumen-tidak-terbaca',
        fix: { fields: ['strNumber'], documents: ['certificate'] },
      },
      rina.token,
    );
    const returnedSeq = await lastSeq(app.id);
    const [entry] = await t.db.query(
      'SELECT data FROM application_history WHERE application_id = $1 AND seq = $2',
      [app.id, returnedSeq],
    );
    expect(entry.data.fix).toEqual({ fields: ['strNumber'], documents: ['certificate'] });
    const correction = {
      note,
      fields: ['strNumber'],
      documents: ['certificate'],
      // As the applicant reads them on the form: what a message lists.
      labels: [
        { id: 'Nomor STR', en: 'Registration (STR) number' },
        { id: 'STR yang masih berlaku', en: 'Valid registration (STR)' },
      ],
      stage: 'verification',
      agencyCode: 'DPMPTSP',
    };
    await expect(facts(app.id, returnedSeq)).resolves.toMatchObject({
      status: 'returned',
      dueAt: null,
      step: {
        seq: returnedSeq,
        type: 'action',
        stage: 'verification',
        action: 'return',
        note,
        effects: ['close-task', 'returned-to-applicant'],
      },
      correction,
      openTasks: [],
    });

    // The applicant fixes the number and the certificate and resubmits: the check opens again.
    const form = { ...(app.submitted.form as Record<string, unknown>), strNumber: 'STR-3271/2023/0043' };
    await t.client.request('permits.applications.update', { id: app.id, form }, app.siti.token);
    t.dossiers.attach(app.trackingNumber, 'certificate', app.siti.principal);
    const resubmitted = await t.client.request(
      'permits.applications.resubmit',
      { id: app.id },
      app.siti.token,
    );
    const resubmittedFacts = await facts(app.id, await lastSeq(app.id));
    expect(resubmittedFacts).toMatchObject({
      status: 'in-review',
      step: { type: 'resubmitted', effects: expect.arrayContaining(['resumed', 'open-task']) },
      correction: null,
      openTasks: [expect.objectContaining({ stage: 'verification', role: 'front-office' })],
    });

    // Complete: the service standard starts, and DINKES's reviewer claims the review.
    const completed = await t.client.request(
      'permits.tasks.act',
      { id: resubmitted.openTasks[0].id, action: 'complete' },
      rina.token,
    );
    const completedSeq = await lastSeq(app.id);
    const review = completed.openTasks[0];
    await t.client.request('permits.tasks.claim', { id: review.id }, dinkes.token);
    const afterComplete = await facts(app.id, completedSeq);
    expect(afterComplete).toMatchObject({
      dueAt: expect.stringMatching(DATE),
      step: { type: 'action', stage: 'verification', action: 'complete', note: null },
      correction: null,
      openTasks: [
        {
          taskId: review.id,
          stage: 'competence-review',
          label: {
            id: 'Rekomendasi Dinas Kesehatan (STR, tempat praktik)',
            en: 'Health office recommendation (registration, practice site)',
          },
          agencyId: t.agencies.DINKES.id,
          agencyCode: 'DINKES',
          role: 'reviewer',
          assigneeId: dinkes.principal.id,
          dueAt: expect.stringMatching(DATE),
        },
      ],
    });

    // Recommended, approved, issued.
    const recommended = await t.client.request(
      'permits.tasks.act',
      { id: review.id, action: 'recommend' },
      dinkes.token,
    );
    const approved = await t.client.request(
      'permits.tasks.act',
      { id: recommended.openTasks[0].id, action: 'approve' },
      supervisor.token,
    );
    expect(approved.openTasks).toEqual([expect.objectContaining({ stage: 'issue' })]);
    await t.client.request(
      'permits.tasks.act',
      { id: approved.openTasks[0].id, action: 'issue' },
      rina.token,
    );
    const issuedSeq = await lastSeq(app.id);
    const [{ number }] = await t.db.query('SELECT number FROM issued_permits WHERE application_id = $1', [
      app.id,
    ]);
    await expect(facts(app.id, issuedSeq)).resolves.toMatchObject({
      status: 'issued',
      step: {
        seq: issuedSeq,
        type: 'action',
        stage: 'issue',
        action: 'issue',
        effects: ['close-task', 'finished-issued'],
      },
      correction: null,
      permit: { number },
      openTasks: [],
    });

    // Every change's event named the history entry it wrote: one each, in order, of the change it names.
    const events = await changes(app.id);
    const history: Array<{ seq: number; type: string }> = await t.db.query(
      'SELECT seq, type FROM application_history WHERE application_id = $1 ORDER BY seq',
      [app.id],
    );
    const types = new Map(history.map((h) => [h.seq, h.type]));
    for (const e of events) {
      expect(e.historySeq).toEqual(expect.any(Number));
      expect(types.get(e.historySeq!)).toBe(e.change);
    }
    expect(events.map((e) => e.change)).toEqual([
      'created',
      'submitted',
      'action',
      'resubmitted',
      'action',
      'action',
      'action',
      'action',
    ]);
    expect(events[0].historySeq).toBe(1);
    expect(new Set(events.map((e) => e.historySeq)).size).toBe(events.length);

    // A step is told as it was, whatever came after: the return keeps its own fix list.
    await expect(facts(app.id, returnedSeq)).resolves.toMatchObject({
      status: 'issued',
      step: { seq: returnedSeq, action: 'return' },
      correction,
      permit: { number },
    });
  });

  it('reads an older return, written before steps kept their fix list, from the stored correction', async () => {
    const app = await t.submittedSip();
    const note = 'Surat pernyataan belum ditandatangani';
    await t.client.request(
      'permits.tasks.act',
      {
        id: app.submitted.openTasks[0].id,
        action: 'return',
        note,
        reason: 'dokumen-tidak-terbaca',
        fix: { documents: ['statement'] },
      },
      rina.token,
    );
    const returnedSeq = await lastSeq(app.id);
    // As a release before this one wrote it: no fix list with the step (history is append-only, so
    // the test lifts that guard for the one edit, in its own transaction).
    await t.db.transaction(async (m) => {
      await m.query('ALTER TABLE application_history DISABLE TRIGGER application_history_append_only');
      await m.query(
        `UPDATE application_history SET data = data - 'fix' WHERE application_id = $1 AND seq = $2`,
        [app.id, returnedSeq],
      );
      await m.query('ALTER TABLE application_history ENABLE TRIGGER application_history_append_only');
    });
    await expect(facts(app.id, returnedSeq)).resolves.toMatchObject({
      correction: {
        note,
        fields: [],
        documents: ['statement'],
        stage: 'verification',
        agencyCode: 'DPMPTSP',
      },
    });
  });

  it('answers the notifications service only, and only about a step that exists', async () => {
    const app = await t.submittedSip();
    const seq = await lastSeq(app.id);
    const ask = (token?: string) =>
      t.client.request('permits.notices.facts', { applicationId: app.id, historySeq: seq }, token);
    expect(await rejectionOf(ask(app.siti.token))).toMatchObject({ status: 403 });
    expect(await rejectionOf(ask(rina.token))).toMatchObject({ status: 403 });
    expect(await rejectionOf(ask())).toMatchObject({ status: 401 });
    expect(await rejectionOf(facts(randomUUID(), 1))).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(await rejectionOf(facts(app.id, seq + 100))).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    await expect(facts(app.id, seq)).resolves.toMatchObject({ step: { seq, type: 'submitted' } });
  });
});
