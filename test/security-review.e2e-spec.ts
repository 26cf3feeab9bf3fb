import request from 'supertest';
import { bearer, demo, officer, PDF, people, PNG, type Api } from './support/api';
import { startSystem, type RunningSystem } from './support/system';

/**
 * The white-box security review's findings (RELIABILITY.md, "Security review"), each replayed over
 * HTTP against the running system exactly as the reviewer did it, and now refused.
 */
describe('security review findings, replayed', () => {
  let system: RunningSystem;
  let api: Api;
  let the: ReturnType<typeof people>;
  const token: Record<string, string> = {};

  beforeAll(async () => {
    system = await startSystem();
    api = request(system.gatewayUrl);
    the = people(api);
    token.citizen = await the.signIn(demo.person.email);
    token.fo = await the.signIn(officer('DPMPTSP', 'front-office'));
    token.dinkes = await the.signIn(officer('DINKES', 'reviewer'));
  });
  afterAll(() => system?.stop());

  describe('3: one rule set for documents, whatever the route', () => {
    it("refuses an applicant's upload into an application's dossier except through the application and its permit type's rules", async () => {
      const app = await the.readySip(token.citizen);
      const { trackingNumber: tn } = (
        await api.post(`/api/v1/applications/${app.id}/submit`).set(bearer(token.citizen)).expect(200)
      ).body;
      const direct = (kind: string, bytes: Buffer, who = token.citizen) =>
        api
          .post(`/api/v1/dossiers/${tn}/documents`)
          .set(bearer(who))
          .field('kind', kind)
          .attach('file', bytes, 'berkas.pdf');
      // The dossier route is closed to applicants of an application, for any kind, at any time.
      for (const kind of ['issued-permit', 'certificate', 'statement']) {
        const res = await direct(kind, PDF);
        expect([kind, res.status, res.body.code]).toEqual([kind, 409, 'DOCUMENTS_THROUGH_APPLICATION']);
      }
      // Through the application: not while it is in review.
      await the.upload(token.citizen, app.id, 'certificate', PDF, 'str.pdf').expect(409);
      // An officer adds documents, but never an issued permit (only the permits service stores it).
      expect((await direct('issued-permit', PDF, token.fo)).status).toBe(403);
      await direct('other', PDF, token.fo).expect(201);
      const dossier = (await api.get(`/api/v1/dossiers/${tn}`).set(bearer(token.fo)).expect(200)).body;
      expect(dossier.documents.map((d: { kind: string }) => d.kind).sort()).toEqual([
        'certificate',
        'identity-card',
        'other',
        'statement',
      ]);
    });

    it("holds a draft's uploads to the permit type's kinds and sizes", async () => {
      const draft = (
        await api
          .post('/api/v1/applications')
          .set(bearer(token.citizen))
          .send({ permitType: 'SIP', regionCode: '3271' })
          .expect(201)
      ).body;
      // A SIP photo may be at most 2 MB; the kind's own limit (20 MB) does not apply.
      const photo = Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024)]);
      const big = await the.upload(token.citizen, draft.id, 'photo', photo, 'foto.png');
      expect([big.status, big.body.code]).toEqual([413, 'DOCUMENT_TOO_LARGE']);
      const foreign = await the.upload(token.citizen, draft.id, 'issued-permit', PDF, 'izin.pdf');
      expect([foreign.status, foreign.body.errors?.[0]?.path]).toEqual([400, '/kind']);
      await the.upload(token.citizen, draft.id, 'photo', PNG, 'foto.png').expect(201);
    });
  });
});
