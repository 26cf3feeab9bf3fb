import { AppError } from '@berkas/contracts';
import { rejectionOf, waitFor } from '@berkas/testing';
import { startPermitsUnderTest, type PermitsUnderTest } from '../../testing/permits-under-test.spec';

// permits.applications.create on real PostgreSQL, with identity and tracking answered from fixtures
// that proto/ holds to their contracts.
describe('creating an application', () => {
  let t: PermitsUnderTest;

  beforeAll(async () => {
    t = await startPermitsUnderTest();
  });
  afterEach(async () => {
    t.responder.clearCalls();
    await t.verify();
  });
  afterAll(() => t?.stop());

  const create = (token: string, payload: { permitType: string; regionCode: string; form?: object }) =>
    t.client.request('permits.applications.create', payload, token);

  it('records the draft with its first history entry, then has tracking open its dossier by the id the draft names', async () => {
    const siti = await t.applicant();
    const draft = await create(siti.token, {
      permitType: 'SIP',
      regionCode: '3271',
      form: { profession: 'bidan' },
    });
    expect(draft).toMatchObject({
      status: 'draft',
      permitType: 'SIP',
      applicantId: siti.principal.id,
      trackingNumber: null, // the applicant's once submitted
      workflowVersion: 1,
      form: { profession: 'bidan' },
      openTasks: [],
    });

    // Identity was asked for the issuing agency of the region, tracking to open the dossier, as the
    // permits service (the applicant's token stays with permits).
    expect(t.responder.calls('identity.agencies.get')).toEqual([
      expect.objectContaining({
        payload: { regionCode: '3271', code: 'DPMPTSP' },
        caller: { kind: 'service', service: 'permits' },
      }),
    ]);
    const [row] = await t.db.query(
      'SELECT dossier_id, tracking_number, issuing_agency_id, status FROM applications WHERE id = $1',
      [draft.id],
    );
    // The create opens it after its commit, and the follow-ups consumer again from the draft's event
    // should the create stop in between: the same id each time, so one dossier.
    const opens = await waitFor(() => t.responder.calls('tracking.dossiers.open'));
    const [open] = opens;
    expect(opens.map((o) => o.payload.id)).toEqual(opens.map(() => row.dossier_id));
    expect(t.dossiers.opened.filter((d) => d.id === row.dossier_id)).toHaveLength(1);
    expect(open.caller).toEqual({ kind: 'service', service: 'permits' });
    expect(open.payload).toMatchObject({
      kind: 'permit-application',
      originAgencyId: t.agencies.DPMPTSP.id,
      applicantId: siti.principal.id,
      permitType: { code: 'SIP' },
      draft: true,
    });
    // Uploads are held to SIP's own documents: its photo to 2 MB of JPEG or PNG.
    expect(open.payload.documentRules?.map((r) => r.kind).sort()).toEqual([
      'certificate',
      'identity-card',
      'photo',
      'statement',
    ]);
    expect(open.payload.documentRules).toContainEqual({
      kind: 'photo',
      maxBytes: 2 * 1024 * 1024,
      allowedTypes: ['image/jpeg', 'image/png'],
    });

    const dossier = t.dossiers.get(row.tracking_number);
    expect(row).toEqual({
      dossier_id: dossier.id,
      tracking_number: dossier.trackingNumber,
      issuing_agency_id: t.agencies.DPMPTSP.id,
      status: 'draft',
    });
    const history = await t.db.query(
      'SELECT seq, type, actor, data, prev_hash FROM application_history WHERE application_id = $1 ORDER BY seq',
      [draft.id],
    );
    expect(history).toEqual([
      {
        seq: 1,
        type: 'created',
        actor: expect.objectContaining({ kind: 'applicant', id: siti.principal.id }),
        data: { permitType: 'SIP', workflowVersion: 1 },
        prev_hash: '0'.repeat(64),
      },
    ]);
    await expect(
      t.client.request('permits.applications.verify-history', { id: draft.id }, siti.token),
    ).resolves.toMatchObject({ entries: 1, intact: true });
  });

  it('answers a region without the issuing agency with a 400 on /regionCode, and opens no dossier', async () => {
    const siti = await t.applicant();
    // Identity's fixture knows region 3271 only: for 3201 it answers 404, as identity would.
    const refused = await rejectionOf<AppError>(
      create(siti.token, { permitType: 'SIP', regionCode: '3201' }),
    );
    expect(refused).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      details: [{ path: '/regionCode', message: 'has no DPMPTSP to issue SIP' }],
    });
    expect(t.responder.calls('identity.agencies.get').map((c) => c.payload)).toEqual([
      { regionCode: '3201', code: 'DPMPTSP' },
    ]);
    expect(t.responder.calls('tracking.dossiers.open')).toEqual([]);
    expect(await t.client.request('permits.applications.list', {}, siti.token)).toMatchObject({ items: [] });
  });

  it('keeps the draft when tracking cannot open its dossier, and opens that one dossier once tracking is back', async () => {
    const siti = await t.applicant();
    // Tracking is down between the draft's commit and the dossier's open: as a crash of permits there
    // would leave it, the draft is stored and names a dossier nobody opened yet.
    t.responder.on('tracking.dossiers.open', new AppError('SERVICE_UNAVAILABLE', 503, 'tracking is down'));
    let draftId: string;
    try {
      ({ id: draftId } = await create(siti.token, { permitType: 'REKLAME', regionCode: '3271' }));
      const [stranded] = await t.db.query(
        'SELECT dossier_id, tracking_number FROM applications WHERE id = $1',
        [draftId],
      );
      expect(stranded).toEqual({ dossier_id: expect.any(String), tracking_number: null });
      expect(t.dossiers.opened.find((d) => d.id === stranded.dossier_id)).toBeUndefined();
    } finally {
      t.dossiers.install(t.responder); // tracking is back
    }
    // The applicant's first document needs the dossier: it is opened then (or by the follow-ups
    // consumer retrying the draft's event, whichever comes first), with the draft's id.
    const grant = await t.client.request(
      'permits.applications.prepare-document',
      { id: draftId, kind: 'identity-card', fileName: 'ktp.pdf' },
      siti.token,
    );
    const [row] = await t.db.query('SELECT dossier_id, tracking_number FROM applications WHERE id = $1', [
      draftId,
    ]);
    expect(t.dossiers.opened.filter((d) => d.id === row.dossier_id)).toEqual([
      expect.objectContaining({ trackingNumber: row.tracking_number, status: 'draft' }),
    ]);
    expect(grant.objectKey).toContain(row.dossier_id);
    const opens = t.responder.calls('tracking.dossiers.open');
    expect(opens.length).toBeGreaterThanOrEqual(2); // the failed one and at least one more
    expect(new Set(opens.map((o) => o.payload.id))).toEqual(new Set([row.dossier_id]));
  });

  it('keeps drafts to applicants: an officer cannot create one', async () => {
    const officer = await t.officer('DPMPTSP', ['front-office']);
    expect(await rejectionOf(create(officer.token, { permitType: 'SIP', regionCode: '3271' }))).toMatchObject(
      { status: 403 },
    );
    const [{ n }] = await t.db.query('SELECT count(*)::int AS n FROM applications WHERE applicant_id = $1', [
      officer.principal.id,
    ]);
    expect(n).toBe(0);
  });
});
