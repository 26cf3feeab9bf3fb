import { rejectionOf } from '@berkas/testing';
import {
  startPermitsUnderTest,
  type Person,
  type PermitsUnderTest,
} from '../../testing/permits-under-test.spec';
import { endOfLocalDay } from '../../domain/working-calendar';
import { CalendarService } from '../calendar/calendar.service';

// permits.tasks.act on real PostgreSQL, with identity and tracking answered from fixtures that proto/
// holds to their contracts: the front office's completeness check of a submitted practice licence.
describe('acting on a task', () => {
  let t: PermitsUnderTest;
  let rina: Person;

  beforeAll(async () => {
    t = await startPermitsUnderTest();
    rina = await t.officer('DPMPTSP', ['front-office']);
  });
  afterEach(async () => {
    t.responder.clearCalls();
    await t.verify();
  });
  afterAll(() => t?.stop());

  /** A SIP application submitted with everything it needs, and its verification task. */
  async function submittedSip() {
    const app = await t.submittedSip();
    t.responder.clearCalls();
    return { ...app, taskId: app.submitted.openTasks[0].id };
  }

  it('completes the check: the service standard starts and the file moves on to DINKES', async () => {
    const app = await submittedSip();
    const done = await t.client.request(
      'permits.tasks.act',
      { id: app.taskId, action: 'complete' },
      rina.token,
    );
    expect(done).toMatchObject({ status: 'in-review', completeAt: expect.any(String) });
    expect(done.dueAt).toMatch(/^\d{4}-\d{2}-\d{2}$/); // 14 working days from now
    expect(done.openTasks).toEqual([
      expect.objectContaining({
        stage: 'competence-review',
        agencyCode: 'DINKES',
        role: 'reviewer',
        status: 'open',
      }),
    ]);
    // The documents guard was read from the dossier tracking holds, as permits on its own.
    expect(t.responder.calls('tracking.dossiers.get')[0]).toMatchObject({
      payload: { trackingNumber: app.trackingNumber },
      caller: { kind: 'service', service: 'permits' },
    });
    const [{ agency_id: agencyId }] = await t.db.query(
      `SELECT agency_id FROM tasks WHERE application_id = $1 AND stage = 'competence-review'`,
      [app.id],
    );
    expect(agencyId).toBe(t.agencies.DINKES.id);
    const [entry] = await t.db.query(
      `SELECT actor, data FROM application_history WHERE application_id = $1 AND type = 'action'`,
      [app.id],
    );
    expect(entry).toMatchObject({
      actor: { kind: 'staff', id: rina.principal.id, agencyCode: 'DPMPTSP' },
      data: { stage: 'verification', action: 'complete' },
    });
  });

  it('does not stop a file submitted before its form asked where the practice is', async () => {
    const app = await submittedSip();
    // As a file submitted before the release that added the place question: no answer, no place kept.
    await t.db.query(`UPDATE applications SET form = form - 'practiceArea', area_code = NULL WHERE id = $1`, [
      app.id,
    ]);
    const done = await t.client.request(
      'permits.tasks.act',
      { id: app.taskId, action: 'complete' },
      rina.token,
    );
    expect(done).toMatchObject({
      status: 'in-review',
      openTasks: [expect.objectContaining({ stage: 'competence-review' })],
    });
  });

  it('holds a return to its note, and the task to its own agency', async () => {
    const app = await submittedSip();
    const dinkes = await t.officer('DINKES', ['front-office']);
    expect(
      await rejectionOf(
        t.client.request('permits.tasks.act', { id: app.taskId, action: 'complete' }, dinkes.token),
      ),
    ).toMatchObject({ status: 403 });
    expect(
      await rejectionOf(
        t.client.request('permits.tasks.act', { id: app.taskId, action: 'return' }, rina.token),
      ),
    ).toMatchObject({ status: 409, code: 'GUARD_FAILED', details: [{ path: '/guards/noteGiven' }] });

    const returned = await t.client.request(
      'permits.tasks.act',
      {
        id: app.taskId,
        action: 'return',
        note: 'Foto STR buram, unggah ulang',
        reason: 'dokumen-tidak-terbaca',
      },
      rina.token,
    );
    expect(returned).toMatchObject({ status: 'returned', dueAt: null, openTasks: [] });
    // Nothing it needed was another service's: the owner agencies were remembered from the submit,
    // and a return names no documents guard. It locked at once, and asked no one (the submit's
    // follow-up may still be activating the dossier in the background).
    expect(t.responder.calls().filter((c) => c.subject !== 'tracking.dossiers.activate')).toEqual([]);
    await expect(
      t.client.request('permits.applications.get', { id: app.id }, app.siti.token),
    ).resolves.toMatchObject({ status: 'returned' });
  });

  it('takes a rejection with one of the reasons its stage lists, and keeps the reason in the history', async () => {
    const app = await submittedSip();
    const reject = (extra: object) =>
      rejectionOf(
        t.client.request(
          'permits.tasks.act',
          { id: app.taskId, action: 'reject', note: 'STR tidak terdaftar di KKI', ...extra },
          rina.token,
        ),
      );
    expect(await reject({})).toMatchObject({
      status: 400,
      details: [{ path: '/reason', message: 'choose one of the reasons this action lists' }],
    });
    expect(await reject({ reason: 'tidak-suka' })).toMatchObject({
      status: 400,
      details: [{ path: '/reason', message: expect.stringContaining('tidak-memenuhi-syarat') }],
    });
    // An action without a list takes no reason: the code would mean nothing.
    expect(
      await rejectionOf(
        t.client.request(
          'permits.tasks.act',
          { id: app.taskId, action: 'complete', reason: 'tidak-memenuhi-syarat' },
          rina.token,
        ),
      ),
    ).toMatchObject({ status: 400, details: [{ path: '/reason' }] });
    // Nothing of the refused attempts was written.
    const count = `SELECT count(*)::int AS n FROM application_history WHERE application_id = $1 AND type = 'action'`;
    expect((await t.db.query(count, [app.id]))[0].n).toBe(0);

    const rejected = await t.client.request(
      'permits.tasks.act',
      {
        id: app.taskId,
        action: 'reject',
        note: 'STR tidak terdaftar di KKI',
        reason: 'tidak-memenuhi-syarat',
      },
      rina.token,
    );
    expect(rejected.status).toBe('rejected');
    const [entry] = await t.db.query(
      `SELECT data FROM application_history WHERE application_id = $1 AND type = 'action'`,
      [app.id],
    );
    expect(entry.data).toMatchObject({
      action: 'reject',
      reason: {
        code: 'tidak-memenuhi-syarat',
        label: {
          id: 'Tidak memenuhi persyaratan administratif',
          en: 'Does not meet the administrative requirements',
        },
      },
    });
  });

  it('tells the applicant what to fix, and the officer what the resubmission changed', async () => {
    const app = await submittedSip();
    const act = (payload: object) =>
      t.client.request('permits.tasks.act', { id: app.taskId, ...payload }, rina.token);
    const note = 'Nomor STR tidak terbaca.\nUnggah ulang STR yang jelas.';
    expect(
      await rejectionOf(
        act({ action: 'return', note, reason: 'dokumen-tidak-terbaca', fix: { fields: ['shoeSize'] } }),
      ),
    ).toMatchObject({
      status: 400,
      details: [{ path: '/fix/fields' }],
    });
    expect(await rejectionOf(act({ action: 'complete', fix: { documents: ['certificate'] } }))).toMatchObject(
      { status: 400, details: [{ path: '/fix' }] },
    );

    const returned = await act({
      action: 'return',
      note,
      reason: 'dokumen-tidak-terbaca',
      fix: { fields: ['strNumber'], documents: ['certificate'] },
    });
    expect(returned.correction).toEqual({
      note,
      fields: ['strNumber'],
      documents: ['certificate'],
      stage: 'verification',
      agencyCode: 'DPMPTSP',
      returnedAt: expect.any(String),
      answeredAt: null,
      changedFields: [],
      changedDocuments: [],
      // Ten working days to answer (CORRECTION_WORKING_DAYS), a working day itself.
      dueAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    const calendar = await t.service(CalendarService).forRegion('3271');
    expect(calendar.isWorkingDay(returned.correction!.dueAt!)).toBe(true);
    expect(calendar.workingDaysBetween(new Date(), endOfLocalDay('3271', returned.correction!.dueAt!))).toBe(
      10,
    );
    // The applicant fixes the number and uploads the certificate again; the address stays.
    const form = { ...(returned.form as Record<string, unknown>), strNumber: 'STR-3271/2023/0043' };
    await t.client.request('permits.applications.update', { id: app.id, form }, app.siti.token);
    t.dossiers.attach(app.trackingNumber, 'certificate', app.siti.principal);
    const resubmitted = await t.client.request(
      'permits.applications.resubmit',
      { id: app.id },
      app.siti.token,
    );
    expect(resubmitted.status).toBe('in-review');
    expect(resubmitted.correction).toMatchObject({
      note,
      answeredAt: expect.any(String),
      changedFields: ['strNumber'],
      changedDocuments: ['certificate'],
    });
    const [entry] = await t.db.query(
      `SELECT data FROM application_history WHERE application_id = $1 AND type = 'resubmitted'`,
      [app.id],
    );
    expect(entry.data).toMatchObject({ changedFields: ['strNumber'], changedDocuments: ['certificate'] });
  });
});
