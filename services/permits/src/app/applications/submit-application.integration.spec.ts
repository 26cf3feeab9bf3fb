import type { AppError, DocumentKind } from '@berkas/contracts';
import { rejectionOf, waitFor } from '@berkas/testing';
import {
  startPermitsUnderTest,
  type Person,
  type PermitsUnderTest,
} from '../../testing/permits-under-test.spec';

const SIP_FORM = {
  profession: 'bidan',
  strNumber: 'STR-3271/2024/0099',
  practiceAddress: 'Jl. Merdeka 5, Bogor',
  practiceArea: '32.71.03.1006',
  practiceOrder: 1,
};
const SIP_DOCUMENTS: DocumentKind[] = ['identity-card', 'certificate', 'statement'];

// permits.applications.submit on real PostgreSQL, with identity and tracking answered from fixtures
// that proto/ holds to their contracts.
describe('submitting an application', () => {
  let t: PermitsUnderTest;

  beforeAll(async () => {
    t = await startPermitsUnderTest();
  });
  afterEach(async () => {
    t.responder.clearCalls();
    await t.verify();
  });
  afterAll(() => t?.stop());

  const submit = (id: string, who: Person) =>
    t.client.request('permits.applications.submit', { id }, who.token);

  it('refuses an incomplete application with every missing field and document, and leaves it a draft', async () => {
    const siti = await t.applicant();
    const app = await t.draft(siti, {
      permitType: 'SIP',
      form: { profession: 'bidan' },
      documents: ['identity-card', 'photo'],
    });
    t.responder.clearCalls();

    const refused = await rejectionOf<AppError>(submit(app.id, siti));
    expect(refused).toMatchObject({ status: 400, code: 'INCOMPLETE_APPLICATION' });
    // Read from the dossier tracking holds: the photo is optional, the three others are not.
    expect(refused.details!.map((d) => d.path).sort()).toEqual([
      '/documents/certificate',
      '/documents/statement',
      '/form/practiceAddress',
      '/form/practiceArea',
      '/form/practiceOrder',
      '/form/strNumber',
    ]);
    expect(t.responder.calls('tracking.dossiers.get').map((c) => c.payload)).toEqual([
      { trackingNumber: app.trackingNumber },
    ]);
    expect(t.responder.calls('tracking.dossiers.activate')).toEqual([]);
    expect(t.dossiers.get(app.trackingNumber).status).toBe('draft');
    await expect(
      t.client.request('permits.applications.get', { id: app.id }, siti.token),
    ).resolves.toMatchObject({ status: 'draft', submittedAt: null, openTasks: [] });
    const [{ n }] = await t.db.query(
      `SELECT count(*)::int AS n FROM outbox WHERE payload->'data'->>'applicationId' = $1 AND payload->'data'->>'change' <> 'created'`,
      [app.id],
    );
    expect(n).toBe(0);
  });

  it('submits a complete one: a task opens at DPMPTSP with a due date, tracking activates the dossier, the event leaves through the outbox', async () => {
    const siti = await t.applicant();
    const app = await t.draft(siti, { permitType: 'SIP', form: SIP_FORM, documents: SIP_DOCUMENTS });
    t.responder.clearCalls();
    const today = new Date().toISOString().slice(0, 10);

    const submitted = await submit(app.id, siti);
    expect(submitted).toMatchObject({
      status: 'in-review',
      trackingNumber: app.trackingNumber, // now the applicant's
      submittedAt: expect.any(String),
      completeAt: null, // the service standard starts once the front office finds it complete
      dueAt: null,
    });
    expect(submitted.openTasks).toEqual([
      expect.objectContaining({
        stage: 'verification',
        agencyCode: 'DPMPTSP',
        role: 'front-office',
        status: 'open',
      }),
    ]);
    // Two working days for the front office: a later date, never a weekend.
    const { dueAt } = submitted.openTasks[0];
    expect(dueAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(dueAt! > today).toBe(true);
    expect([0, 6]).not.toContain(new Date(`${dueAt}T00:00:00Z`).getUTCDay());

    // After the commit, permits activated the dossier as itself; tracking now tracks it publicly.
    expect(t.responder.calls('tracking.dossiers.activate')[0]).toMatchObject({
      payload: { trackingNumber: app.trackingNumber },
      caller: { kind: 'service', service: 'permits' },
    });
    expect(t.dossiers.get(app.trackingNumber).status).toBe('open');

    // The task is in the inbox of DPMPTSP's front office, not in another agency's.
    const rina = await t.officer('DPMPTSP', ['front-office']);
    const dinkes = await t.officer('DINKES', ['reviewer']);
    const inbox = await t.client.request('permits.tasks.inbox', {}, rina.token);
    expect(inbox.items.filter((task) => task.applicationId === app.id)).toEqual([
      expect.objectContaining({ id: submitted.openTasks[0].id, agencyCode: 'DPMPTSP', dueAt }),
    ]);
    const elsewhere = await t.client.request('permits.tasks.inbox', {}, dinkes.token);
    expect(elsewhere.items.map((task) => task.applicationId)).not.toContain(app.id);

    // One event for the submit (besides the draft's), written with the change and published from the outbox.
    const events = await t.db.query(
      `SELECT subject, payload->'data' AS data FROM outbox WHERE payload->'data'->>'applicationId' = $1 AND payload->'data'->>'change' <> 'created'`,
      [app.id],
    );
    expect(events).toEqual([
      {
        subject: 'evt.permits.application-changed',
        data: expect.objectContaining({
          change: 'submitted',
          status: 'in-review',
          trackingNumber: app.trackingNumber,
          progress: expect.objectContaining({
            stages: [
              expect.objectContaining({ stage: 'verification', agencyId: t.agencies.DPMPTSP.id, dueAt }),
            ],
          }),
        }),
      },
    ]);
    await waitFor(
      async () =>
        (
          await t.db.query(
            `SELECT sent_at FROM outbox WHERE payload->'data'->>'applicationId' = $1 AND payload->'data'->>'change' = 'submitted' AND sent_at IS NOT NULL`,
            [app.id],
          )
        ).length,
      5000,
    );
    // Its follow-up activates the dossier again, in case the process had stopped before doing so.
    await waitFor(() => t.responder.calls('tracking.dossiers.activate').length === 2, 5000);

    const history = await t.db.query(
      'SELECT type FROM application_history WHERE application_id = $1 ORDER BY seq',
      [app.id],
    );
    expect(history.map((h: { type: string }) => h.type)).toEqual(['created', 'submitted']);
    expect(await rejectionOf(submit(app.id, siti))).toMatchObject({ status: 409, code: 'ALREADY_SUBMITTED' });
  });
});
