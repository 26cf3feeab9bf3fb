import { randomUUID } from 'node:crypto';
import type { HandoffReceipt } from '@berkas/contracts';
import { recordWhereabouts } from './paper-whereabouts';
import {
  startPermitsUnderTest,
  type Person,
  type PermitsUnderTest,
} from '../../testing/permits-under-test.spec';

// permits.tasks.inbox on real PostgreSQL: what a desk's rows show of their file, its search, the
// due-state queues and the queues' counts.
describe("an officer's inbox", () => {
  let t: PermitsUnderTest;
  let rina: Person;
  const files: Array<{ id: string; trackingNumber: string; taskId: string; applicant: Person }> = [];

  beforeAll(async () => {
    t = await startPermitsUnderTest();
    rina = await t.officer('DPMPTSP', ['front-office']);
    // Where each practises: Sempur and Babakan (Bogor Tengah), Batutulis (Bogor Selatan).
    for (const [holder, practiceArea] of [
      ['Siti Aminah', '32.71.03.1006'],
      ['Budi Santoso', '32.71.03.1005'],
      ['Dewi 100%_Lestari', '32.71.01.1001'],
    ]) {
      const applicant = await t.applicant({ name: holder });
      const app = await t.draft(applicant, {
        permitType: 'SIP',
        form: {
          profession: 'bidan',
          strNumber: 'STR-3271/2024/0042',
          practiceAddress: 'Jl. Merdeka 5',
          practiceArea,
          practiceOrder: 1,
        },
        documents: ['identity-card', 'certificate', 'statement'],
      });
      const sent = await t.client.request('permits.applications.submit', { id: app.id }, applicant.token);
      files.push({
        id: app.id,
        trackingNumber: sent.trackingNumber!,
        taskId: sent.openTasks[0].id,
        applicant,
      });
    }
  });
  afterAll(() => t?.stop());

  const inbox = (req: Record<string, unknown>) => t.client.request('permits.tasks.inbox', req, rina.token);

  it("names each row's holder and flags a file returned before", async () => {
    const [siti, budi] = files;
    await t.client.request(
      'permits.tasks.act',
      { id: siti.taskId, action: 'return', note: 'STR kedaluwarsa', reason: 'dokumen-tidak-lengkap' },
      rina.token,
    );
    expect((await inbox({ limit: 10 })).items.map((r) => r.applicationId)).not.toContain(siti.id);
    await t.client.request('permits.applications.resubmit', { id: siti.id }, siti.applicant.token);
    const rows = new Map((await inbox({ limit: 10 })).items.map((r) => [r.applicationId, r]));
    expect(rows.get(siti.id)).toMatchObject({
      holderName: 'Siti Aminah',
      returnedBefore: true,
      otherOpenTasks: 0,
    });
    expect(rows.get(budi.id)).toMatchObject({ holderName: 'Budi Santoso', returnedBefore: false });
    siti.taskId = rows.get(siti.id)!.id;
  });

  it('finds a file by its number typed any way, or its holder by words of the name (wildcards are text)', async () => {
    const budi = files[1];
    const typed = budi.trackingNumber.toLowerCase().replace(/-/g, ' ');
    expect((await inbox({ q: typed })).items.map((r) => r.applicationId)).toEqual([budi.id]);
    expect((await inbox({ q: 'santoso' })).items.map((r) => r.applicationId)).toEqual([budi.id]);
    expect((await inbox({ q: '100%_' })).items.map((r) => r.holderName)).toEqual(['Dewi 100%_Lestari']);
    expect((await inbox({ q: '%'.repeat(2) })).items).toEqual([]);
  });

  it("finds a person's files by NIK and a company's by NIB, asking identity whose they are", async () => {
    const siti = files[0];
    t.responder.on('identity.applicants.find', (req) => ({
      applicantId: req.nik === '3271046504900003' ? siti.applicant.principal.id : null,
      companyId: null,
    }));
    expect((await inbox({ q: '3271 0465 0490 0003' })).items.map((r) => r.applicationId)).toEqual([siti.id]);
    expect((await inbox({ q: '3271.0465.0490.0099' })).items).toEqual([]);
    expect((await inbox({ q: '9120001234567' })).items).toEqual([]); // a NIB no company holds
    // Asked by permits itself: identity never sees the officer's search, only the number.
    expect(t.responder.calls('identity.applicants.find')).toEqual([
      expect.objectContaining({
        caller: { kind: 'service', service: 'permits' },
        payload: { nik: '3271046504900003' },
      }),
      expect.objectContaining({ payload: { nik: '3271046504900099' } }),
      expect.objectContaining({ payload: { nib: '9120001234567' } }),
    ]);
  });

  it('narrows a queue to a kecamatan or one kelurahan; each row names its place', async () => {
    const [siti, budi, dewi] = files;
    const ids = async (area: string) => (await inbox({ area })).items.map((r) => r.applicationId).sort();
    expect(await ids('32.71.03')).toEqual([siti.id, budi.id].sort());
    expect(await ids('32.71.03.1005')).toEqual([budi.id]);
    expect(await ids('32.71.01')).toEqual([dewi.id]);
    expect(await ids('32.71.02')).toEqual([]);
    // Part of a code is no place: refused, not read as a prefix of every kecamatan's.
    await expect(ids('32.71.0')).rejects.toMatchObject({ status: 400 });
    const row = (await inbox({ area: '32.71.01.1001' })).items[0];
    expect(row.area).toEqual({ code: '32.71.01.1001', village: 'Batutulis', district: 'Bogor Selatan' });
  });

  it("takes as a practice's place only a kelurahan of the application's region; lists the region's places", async () => {
    const applicant = await t.applicant({ name: 'Rahmat' });
    await expect(
      t.client.request(
        'permits.applications.create',
        { permitType: 'SIP', regionCode: '3271', form: { practiceArea: '31.71.01.1001' } },
        applicant.token,
      ),
    ).rejects.toMatchObject({
      status: 400,
      details: [{ path: '/form/practiceArea', message: 'is not a kelurahan/desa of the region' }],
    });
    const bogor = await t.client.request('permits.areas.get', { regionCode: '3271' });
    expect(bogor.districts.map((d) => d.name)).toEqual([
      'Bogor Selatan',
      'Bogor Timur',
      'Bogor Tengah',
      'Bogor Barat',
      'Bogor Utara',
      'Tanah Sareal',
    ]);
    expect(bogor.districts.flatMap((d) => d.villages)).toHaveLength(68);
    // Every kelurahan's code starts with its kecamatan's: the queues' kecamatan filter relies on it.
    for (const d of bogor.districts)
      for (const v of d.villages) expect(v.code.startsWith(`${d.code}.`)).toBe(true);
    await expect(t.client.request('permits.areas.get', { regionCode: '9999' })).rejects.toMatchObject({
      status: 404,
    });
  });

  it('narrows a queue to one due state, as its rows say it', async () => {
    const [siti, budi, dewi] = files;
    await t.db.query(`UPDATE tasks SET due_at = now() + interval '1 minute' WHERE id = $1`, [budi.taskId]);
    await t.db.query(`UPDATE tasks SET due_at = NULL WHERE id = $1`, [dewi.taskId]);
    const only = async (dueState: string) =>
      (await inbox({ dueState })).items.map((r) => [r.applicationId, r.dueState]);
    expect(await only('due-soon')).toEqual([[budi.id, 'due-soon']]);
    expect(await only('on-time')).toEqual([[siti.id, 'on-time']]);
    expect(await only('waiting')).toEqual([[dewi.id, 'waiting']]);
    expect(await only('overdue')).toEqual([]);
  });

  it('tells where the paper dossier is; a late event does not undo a newer one', async () => {
    const siti = files[0];
    const agency = (code: string) => ({ id: randomUUID(), code, name: code, regionCode: '3271' });
    const sent: HandoffReceipt = {
      id: randomUUID(),
      dossierId: randomUUID(),
      trackingNumber: siti.trackingNumber,
      status: 'in-transit',
      from: agency('DPMPTSP'),
      to: agency('DPUPR'),
      note: null,
      items: [],
      manifestHash: '0'.repeat(64),
      sentBy: { kind: 'service', id: 'permits', name: 'custody' },
      sentAt: '2026-11-02T02:00:00.000Z',
      resolvedBy: null,
      resolvedAt: null,
      refusalReason: null,
    };
    const received: HandoffReceipt = { ...sent, status: 'received', resolvedAt: '2026-11-02T05:00:00.000Z' };
    const paper = async () => (await inbox({ q: siti.trackingNumber })).items.map((r) => r.paperDossier)[0];
    expect(await paper()).toBeNull();
    await recordWhereabouts(t.db.manager, sent);
    expect(await paper()).toEqual({ holder: 'DPMPTSP', inTransitTo: 'DPUPR' });
    await recordWhereabouts(t.db.manager, received);
    await recordWhereabouts(t.db.manager, sent); // redelivered late
    expect(await paper()).toEqual({ holder: 'DPUPR', inTransitTo: null });
  });

  it('keeps an overdue queue, and counts the queues', async () => {
    const dewi = files[2];
    await t.db.query(`UPDATE tasks SET due_at = now() - interval '2 days' WHERE id = $1`, [dewi.taskId]);
    const late = await inbox({ overdue: true, counts: true });
    expect(late.items.map((r) => [r.applicationId, r.dueState])).toEqual([[dewi.id, 'overdue']]);
    expect(late.counts).toEqual({ mine: 0, agency: 3, overdue: 1, capped: 100 });
    await t.client.request('permits.tasks.claim', { id: dewi.taskId }, rina.token);
    expect((await inbox({ counts: true, limit: 1 })).counts).toMatchObject({
      mine: 1,
      agency: 3, // a claimed task stays in the agency's queue, marked as taken
      overdue: 1,
    });
  });

  it("shows a supervisor each officer's load, and records a reassignment with its reason", async () => {
    const dedi = await t.officer('DPMPTSP', ['supervisor']);
    const ani = await t.officer('DPMPTSP', ['front-office']);
    const board = await t.client.request('permits.tasks.team', {}, dedi.token);
    expect(board.agency.code).toBe('DPMPTSP');
    const rows = new Map(board.members.map((m) => [m.staffId, m]));
    expect(rows.get(rina.principal.id)).toMatchObject({
      roles: ['front-office'],
      load: { open: 1, overdue: 1 },
    });
    expect(rows.get(ani.principal.id)?.load).toEqual({ open: 0, dueSoon: 0, overdue: 0 });
    expect(rows.get(dedi.principal.id)?.roles).toEqual(['supervisor']);
    expect(board.unclaimed.open).toBe(2);
    await expect(t.client.request('permits.tasks.team', {}, rina.token)).rejects.toMatchObject({
      status: 403,
    });

    const dewi = files[2];
    const moved = await t.client.request(
      'permits.tasks.reassign',
      { id: dewi.taskId, staffId: ani.principal.id, reason: 'Rina cuti sampai Senin' },
      dedi.token,
    );
    expect(moved).toMatchObject({ status: 'claimed', claimedBy: ani.principal.id });
    const history = await t.client.request('permits.applications.history', { id: dewi.id }, dedi.token);
    expect(history.entries.at(-1)).toMatchObject({
      type: 'reassigned',
      actor: { kind: 'staff', id: dedi.principal.id, agencyCode: 'DPMPTSP' },
      data: {
        from: rina.principal.id,
        to: ani.principal.id,
        reason: 'Rina cuti sampai Senin',
        stage: 'verification',
      },
    });
    // The same form posted again moves nothing and records nothing more.
    await t.client.request(
      'permits.tasks.reassign',
      { id: dewi.taskId, staffId: ani.principal.id, reason: 'Rina cuti sampai Senin' },
      dedi.token,
    );
    const again = await t.client.request('permits.applications.history', { id: dewi.id }, dedi.token);
    expect(again.entries).toHaveLength(history.entries.length);
    const after = await t.client.request('permits.tasks.team', {}, dedi.token);
    expect(after.members.find((m) => m.staffId === ani.principal.id)?.load).toMatchObject({
      open: 1,
      overdue: 1,
    });
    expect(after.members[0].staffId).toBe(ani.principal.id); // the most overdue first
  });
});
