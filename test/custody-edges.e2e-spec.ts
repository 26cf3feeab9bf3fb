import request from 'supertest';
import { waitFor } from '@berkas/testing';
import { type Api, bearer, demo, officer, PDF, people, PNG } from './support/api';
import { startSystem, type RunningSystem } from './support/system';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface DossierBody {
  status: string;
  holder: { code: string };
  inTransit: { handoffId: string; to: { code: string } } | null;
  documents: Array<{ kind: string; version: number; sha256: string }>;
}

/**
 * The edges of custody a walk-through found, on the whole system through the HTTP API: a handoff
 * refused and the dossier then sent again by hand, a permit decided while the paper dossier is still
 * on its way back, a company as the holder of its permit, and claims answered consistently.
 */
describe('a company’s building approval through the edges of custody', () => {
  let system: RunningSystem;
  let api: Api;
  let the: ReturnType<typeof people>;
  const token: Record<string, string> = {};

  beforeAll(async () => {
    system = await startSystem();
    api = request(system.gatewayUrl);
    the = people(api);
    const who = {
      fo: officer('DPMPTSP', 'front-office'),
      verifier: officer('DPMPTSP', 'verifier'),
      supervisor: officer('DPMPTSP', 'supervisor'),
      pu: officer('DPUPR', 'reviewer'),
      dlh: officer('DLH', 'reviewer'),
      rudi: demo.company.members[0].email,
    };
    for (const [name, username] of Object.entries(who)) token[name] = await the.signIn(username);
  });
  afterAll(() => system?.stop());

  const dossier = async (tn: string): Promise<DossierBody> =>
    (await api.get(`/api/v1/dossiers/${tn}`).set(bearer(token.fo)).expect(200)).body;

  it('starts the clock after a refused handoff is sent again, and issues one permit document to the company', async () => {
    const draft = (
      await api
        .post('/api/v1/applications')
        .set(bearer(token.rudi))
        .send({ permitType: 'PBG', regionCode: '3271' })
        .expect(201)
    ).body;
    for (const [kind, bytes, name] of [
      ['identity-card', PNG, 'ktp.png'],
      ['certificate', PDF, 'shm.pdf'],
      ['technical-drawing', PDF, 'gambar.pdf'],
      ['site-plan', PDF, 'situasi.pdf'],
    ] as const)
      await the.upload(token.rudi, draft.id, kind, bytes, name).expect(201);
    const form = {
      buildingFunction: 'usaha',
      address: 'Jl. Raya Tajur 99, Bogor',
      siteArea: '32.71.02.1006',
      floorArea: 450,
      floors: 3,
      buildingIndex: 1.5,
      landCertificate: 'SHGB-77/2019',
    };
    await api.patch(`/api/v1/applications/${draft.id}`).set(bearer(token.rudi)).send({ form }).expect(200);
    const tn = (await api.post(`/api/v1/applications/${draft.id}/submit`).set(bearer(token.rudi)).expect(200))
      .body.trackingNumber as string;

    // Claims answer the same way as actions: an applicant is refused (403), a second claim by the
    // holder keeps the claim, and another officer is told who holds it.
    const verification = (await the.taskOf(token.fo, draft.id))!;
    const byApplicant = await api.post(`/api/v1/tasks/${verification.id}/claim`).set(bearer(token.rudi));
    const actByApplicant = await api
      .post(`/api/v1/tasks/${verification.id}/actions`)
      .set(bearer(token.rudi))
      .send({ action: 'complete' });
    expect(byApplicant.status).toBe(403);
    expect(actByApplicant.status).toBe(403);
    expect(byApplicant.body.code).toBe(actByApplicant.body.code);
    const claimed = (
      await api.post(`/api/v1/tasks/${verification.id}/claim`).set(bearer(token.fo)).expect(200)
    ).body;
    const again = (await api.post(`/api/v1/tasks/${verification.id}/claim`).set(bearer(token.fo)).expect(200))
      .body;
    expect(again).toMatchObject({ status: 'claimed', claimedBy: claimed.claimedBy });
    expect((await the.act(token.fo, draft.id, 'complete')).status).toBe(200);

    // Public works refuses the paper dossier; the one-stop office sends it again by hand and public
    // works receives it: the review's clock starts then, with a due date.
    const first = await waitFor(async () => {
      const d = await dossier(tn);
      return d.inTransit?.to.code === 'DPUPR' ? d : null;
    }, 20000);
    await api
      .post(`/api/v1/handoffs/${first.inTransit!.handoffId}/refuse`)
      .set(bearer(token.pu))
      .send({ reason: 'Gambar teknis belum bercap basah' })
      .expect(200);
    const dpupr = (await api.get('/api/v1/regions/3271/agencies/DPUPR').set(bearer(token.fo)).expect(200))
      .body;
    const resent = (
      await api
        .post(`/api/v1/dossiers/${tn}/handoffs`)
        .set(bearer(token.fo))
        .send({ toAgencyId: dpupr.id, note: 'Dikirim ulang dengan gambar bercap basah' })
        .expect(201)
    ).body;
    await api.post(`/api/v1/handoffs/${resent.id}/receive`).set(bearer(token.pu)).send({}).expect(200);
    const review = await waitFor(async () => {
      const t = (await api.get('/api/v1/inbox?limit=200').set(bearer(token.pu)).expect(200)).body.items.find(
        (i: { applicationId: string }) => i.applicationId === draft.id,
      );
      return t?.dueAt ? t : null;
    }, 20000);
    expect(review.dueAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    // Both reviews approve; the levy stage opens at the one-stop office and the dossier travels back.
    expect((await the.act(token.dlh, draft.id, 'approve')).status).toBe(200);
    expect((await the.act(token.pu, draft.id, 'approve')).status).toBe(200);
    const back = await waitFor(async () => {
      const d = await dossier(tn);
      return d.inTransit?.to.code === 'DPMPTSP' ? d : null;
    }, 20000);

    // Decided and issued while the paper is still on its way back.
    await api
      .post(`/api/v1/applications/${draft.id}/payments`)
      .set(bearer(token.verifier))
      .send({ reference: 'BJB-PBG-9911' })
      .expect(200);
    expect((await the.act(token.verifier, draft.id, 'paid')).status).toBe(200);
    expect((await the.act(token.supervisor, draft.id, 'approve')).status).toBe(200);
    expect((await the.act(token.fo, draft.id, 'issue')).status).toBe(200);

    // The permit names the company, its document is stored once and kept, and the dossier stays
    // open until the paper arrives.
    const permit = await waitFor(async () => {
      const p = (await api.get(`/api/v1/applications/${draft.id}/permit`).set(bearer(token.rudi)).expect(200))
        .body;
      return p.documentId ? p : null;
    }, 20000);
    expect(permit.holderName).toBe('PT Hujan Sejahtera Abadi');
    await sleep(4000); // room for redeliveries, each of which used to store another PDF
    const waiting = await dossier(tn);
    expect(waiting.status).toBe('in-transit');
    expect(waiting.documents.filter((d) => d.kind === 'issued-permit')).toEqual([
      expect.objectContaining({ version: 1 }),
    ]);
    const verified = (
      await api.get(`/api/v1/permits/verify/${encodeURIComponent(permit.verificationCode)}`).expect(200)
    ).body;
    expect(verified).toMatchObject({ genuine: true, holderName: 'PT Hujan Sejahtera Abadi' });

    // The paper arrives: now the dossier closes, with the same single permit document.
    await api
      .post(`/api/v1/handoffs/${back.inTransit!.handoffId}/receive`)
      .set(bearer(token.fo))
      .send({})
      .expect(200);
    await the.trackUntil(tn, (v) => v.status === 'closed');
    const closed = await dossier(tn);
    expect(closed.documents.filter((d) => d.kind === 'issued-permit')).toHaveLength(1);
    expect(
      (await api.get(`/api/v1/applications/${draft.id}/permit`).set(bearer(token.rudi)).expect(200)).body
        .documentId,
    ).toBe(permit.documentId);

    // The application's own history holds, like the dossier's, read through the API.
    const history = (
      await api.get(`/api/v1/applications/${draft.id}/history/verify`).set(bearer(token.rudi)).expect(200)
    ).body;
    expect(history).toMatchObject({ intact: true, entries: expect.any(Number) });
    expect(history.entries).toBeGreaterThan(10);
  });
});
