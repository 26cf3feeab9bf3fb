import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { loadConfig, S3Env, SERVICE_CONFIG, type ServiceConfig } from '@berkas/config';
import type { AppError, DocumentKind, UploadGrant } from '@berkas/contracts';
import { bootstrapService, createStandaloneClient, type StandaloneClient } from '@berkas/messaging';
import { createStorageClient, uploadStream } from '@berkas/storage';
import {
  demoAccounts,
  dropDatabase,
  freePort,
  startBuiltService,
  startPrivateNats,
  startPrivateS3,
  stopBuiltServices,
  TEST_INFRA,
  uniqueName,
  waitFor,
  type PrivateNats,
  type PrivateS3,
  rejectionOf,
} from '@berkas/testing';
import { AppModule } from './app.module';
import { ApplicationRecord } from './applications/application.entity';
import { CatalogService } from './catalog/catalog.service';
import type { TaskStage } from '../domain/workflow-definition';
import { localDateIn } from '../domain/working-calendar';
import { FeeBilling } from './transitions/fee-billing';
import { PermitIssuing } from './transitions/permit-issuing';
import { SlaScheduler } from './tasks/sla-scheduler.service';
import { CalendarService } from './calendar/calendar.service';

const demo = demoAccounts();
const PDF = Buffer.from('%PDF-1.7\n');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// Permits in-process beside real identity and tracking processes (started from their builds), on
// real PostgreSQL, a private nats-server and a private S3 server: the SIP journey end to end.
describe('permits service', () => {
  let nats: PrivateNats;
  let s3: PrivateS3;
  let others: ChildProcess[] = [];
  let permits: INestApplication;
  let client: StandaloneClient;
  let db: DataSource;
  const dbs = {
    identity: uniqueName('berkas_test_pmt_identity'),
    tracking: uniqueName('berkas_test_pmt_tracking'),
    permits: uniqueName('berkas_test_pmt_permits'),
  };
  const s3env = new S3Env();
  const token: Record<string, string> = {};

  const fails = (p: Promise<unknown>) => rejectionOf<AppError>(p);
  const env = async (name: keyof typeof dbs, extra: Record<string, string> = {}) => ({
    NATS_URL: nats.url,
    DATABASE_URL: TEST_INFRA.databaseUrl,
    DATABASE_NAME: dbs[name],
    HTTP_PORT: String(await freePort()),
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    S3_PORT: String(s3.port),
    ...extra,
  });
  const officer = (agency: string, role: string) =>
    demo.staff.find((s) => s.agency === agency && s.roles.includes(role))!.email;
  const login = async (who: string, username: string, password = demo.password) => {
    token[who] = (await client.request('identity.auth.login', { username, password })).accessToken;
  };

  beforeAll(async () => {
    nats = await startPrivateNats();
    s3 = await startPrivateS3();
    Object.assign(s3env, { port: s3.port });
    others = [
      await startBuiltService('identity', await env('identity', { DEMO_DATA: 'true' })),
      await startBuiltService('tracking', await env('tracking')),
    ];
    const { sections, defaults } = SERVICE_CONFIG.permits;
    const config = loadConfig(sections, await env('permits'), defaults) as ServiceConfig<'permits'>;
    permits = await bootstrapService({
      service: 'permits',
      module: AppModule.register(config),
      http: config.http,
      nats: config.nats,
    });
    db = permits.get(DataSource);
    client = await createStandaloneClient(nats.url);
    await login('citizen', demo.person.email);
    await login('fo', officer('DPMPTSP', 'front-office'));
    await login('dinkes', officer('DINKES', 'reviewer'));
    await login('pu', officer('DPUPR', 'reviewer'));
    await login('supervisor', officer('DPMPTSP', 'supervisor'));
    await login('admin', demo.staff[0].email);
    // A second front-office officer, for the race.
    const dpmptsp = (await client.request('identity.me.get', {}, token.fo)).principal.agencyId!;
    await client.request(
      'identity.staff.create',
      {
        nip: '199411112019032014',
        name: 'Tono Sutrisno',
        email: 'tono.fo@dpmptsp.example.id',
        agencyId: dpmptsp,
        position: 'Petugas Front Office',
        roles: ['front-office'],
        password: 'loket pelayanan dua',
      },
      token.admin,
    );
    await login('fo2', 'tono.fo@dpmptsp.example.id', 'loket pelayanan dua');
    // A supervisor of the one-stop office (same agency code) of another region.
    await client.request('identity.regions.create', { code: '9990', name: 'Kota Uji' }, token.admin);
    const elsewhere = await client.request(
      'identity.agencies.create',
      { regionCode: '9990', code: 'DPMPTSP', name: 'DPMPTSP Kota Uji' },
      token.admin,
    );
    await client.request(
      'identity.staff.create',
      {
        nip: '198001012005011003',
        name: 'Kepala Bidang Uji',
        email: 'kabid@dpmptsp.kotauji.example.id',
        agencyId: elsewhere.id,
        position: 'Kepala Bidang Perizinan',
        roles: ['supervisor'],
        password: 'kota uji pelayanan',
      },
      token.admin,
    );
    await login('otherRegionSupervisor', 'kabid@dpmptsp.kotauji.example.id', 'kota uji pelayanan');
  });

  afterAll(async () => {
    await client?.close();
    await permits?.close();
    await stopBuiltServices(others);
    await nats?.stop();
    await s3?.stop();
    await Promise.all(Object.values(dbs).map((d) => dropDatabase(d)));
  });

  /** Stores bytes under an upload grant the way the gateway does; answers what registering it says. */
  async function store(grant: UploadGrant, head: Buffer) {
    const stored = await uploadStream(
      createStorageClient(s3env),
      s3env.bucket,
      grant.objectKey,
      Readable.from([Buffer.concat([head, randomBytes(256)])]),
      grant,
    );
    return {
      uploadId: grant.uploadId,
      sha256: stored.sha256,
      size: stored.size,
      mediaType: stored.type.mediaType,
    };
  }

  /** Uploads a document into an application's dossier the way the gateway does: through permits. */
  async function attach(applicationId: string, kind: DocumentKind, head: Buffer) {
    const grant = await client.request(
      'permits.applications.prepare-document',
      { id: applicationId, kind, fileName: `${kind}.bin` },
      token.citizen,
    );
    await client.request(
      'permits.applications.register-document',
      { id: applicationId, ...(await store(grant, head)) },
      token.citizen,
    );
  }

  /** An officer's file for their next action on a task, uploaded the way the gateway does. */
  async function attachToTask(taskId: string, who: string, fileName: string) {
    const grant = await client.request(
      'permits.tasks.prepare-attachment',
      { id: taskId, fileName },
      token[who],
    );
    return client.request(
      'permits.tasks.register-attachment',
      { id: taskId, ...(await store(grant, PDF)) },
      token[who],
    );
  }

  /** An application of a type with its documents attached and its form filled, submitted. */
  async function submitted(
    permitType: string,
    documents: ReadonlyArray<readonly [DocumentKind, Buffer]>,
    form: Record<string, unknown>,
  ) {
    const app = await client.request(
      'permits.applications.create',
      { permitType, regionCode: '3271' },
      token.citizen,
    );
    for (const [kind, head] of documents) await attach(app.id, kind, head);
    await client.request('permits.applications.update', { id: app.id, form }, token.citizen);
    return client.request('permits.applications.submit', { id: app.id }, token.citizen);
  }
  const SIP_DOCUMENTS = [
    ['identity-card', PNG],
    ['certificate', PDF],
    ['statement', PDF],
  ] as const;
  const submittedSip = (form: Record<string, unknown>) => submitted('SIP', SIP_DOCUMENTS, form);

  const taskFor = async (who: string, applicationId: string) => {
    const inbox = await client.request('permits.tasks.inbox', {}, token[who]);
    return inbox.items.find((t) => t.applicationId === applicationId);
  };

  it('lists the demo catalog with the published workflow versions', async () => {
    const types = await client.request('permits.permit-types.list', {});
    expect(types.items.map((t) => [t.code, t.workflowVersion])).toEqual([
      ['PBG', 1],
      ['REKLAME', 1],
      ['SIP', 1],
    ]);
    expect(types.items.find((t) => t.code === 'SIP')).toMatchObject({
      serviceStandardDays: 14,
      issuingAgency: 'DPMPTSP',
      purpose: { id: expect.stringContaining('tenaga kesehatan') },
      legalBasis: expect.arrayContaining([expect.stringMatching(/^Undang-Undang Nomor 17 Tahun 2023/)]),
      levy: null, // a practice licence bills no levy
    });
    expect(types.items.find((t) => t.code === 'REKLAME')!.levy).toEqual({
      stage: expect.objectContaining({ en: 'Billboard tax assessment and payment' }),
      formula: 'round(max(1, boardArea) * 25000 * months)',
      currency: 'IDR',
      inputs: ['boardArea', 'months'],
    });
  });

  it('estimates a levy before applying, with the formula the bill will use, and says which value is wrong', async () => {
    const estimate = (code: string, values: Record<string, number>) =>
      client.request('permits.permit-types.levy-estimate', { code, values });
    // Rp25.000 per m² and month; a board under 1 m² is billed as 1 m² (max(1, boardArea)).
    await expect(estimate('REKLAME', { boardArea: 0.6, months: 3 })).resolves.toEqual({
      amount: 75000,
      currency: 'IDR',
    });
    await expect(estimate('REKLAME', { boardArea: 2, months: 3 })).resolves.toEqual({
      amount: 150000,
      currency: 'IDR',
    });
    await expect(estimate('PBG', { floorArea: 120, buildingIndex: 1.5 })).resolves.toEqual({
      amount: 1800000,
      currency: 'IDR',
    });
    expect(await rejectionOf(estimate('REKLAME', { boardArea: 2 }))).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      details: [{ path: '/values/months' }],
    });
    expect(await rejectionOf(estimate('REKLAME', { boardArea: 2, months: 13 }))).toMatchObject({
      status: 400,
      details: [{ path: '/values/months' }],
    });
    expect(await rejectionOf(estimate('SIP', {}))).toMatchObject({ status: 404 });
  });

  it('walks a practice licence from draft through a correction to issue, clocks and all', async () => {
    const draft = await client.request(
      'permits.applications.create',
      { permitType: 'SIP', regionCode: '3271', form: { profession: 'bidan' } },
      token.citizen,
    );
    expect(draft).toMatchObject({ status: 'draft', trackingNumber: null, workflowVersion: 1, openTasks: [] });
    const [{ tracking_number: trackingNumber }] = await db.query(
      'SELECT tracking_number FROM applications WHERE id = $1',
      [draft.id],
    );

    const incomplete = await fails(
      client.request('permits.applications.submit', { id: draft.id }, token.citizen),
    );
    expect(incomplete).toMatchObject({ status: 400, code: 'INCOMPLETE_APPLICATION' });
    expect(incomplete.details!.map((d) => d.path).sort()).toEqual([
      '/documents/certificate',
      '/documents/identity-card',
      '/documents/statement',
      '/form/practiceAddress',
      '/form/practiceArea',
      '/form/practiceOrder',
      '/form/strNumber',
    ]);

    // Only what the permit type asks for, within its own limits (2 MB for SIP's photo, tighter than the kind's 20 MB).
    expect(
      await fails(
        client.request(
          'permits.applications.prepare-document',
          { id: draft.id, kind: 'technical-drawing', fileName: 'x.pdf' },
          token.citizen,
        ),
      ),
    ).toMatchObject({ status: 400 });
    const photoGrant = await client.request(
      'permits.applications.prepare-document',
      { id: draft.id, kind: 'photo', fileName: 'foto.jpg' },
      token.citizen,
    );
    expect(photoGrant).toMatchObject({
      maxBytes: 2 * 1024 * 1024,
      allowedTypes: ['image/jpeg', 'image/png'],
    });
    await attach(draft.id, 'identity-card', PNG);
    await attach(draft.id, 'certificate', PDF);
    await attach(draft.id, 'statement', PDF);
    await client.request(
      'permits.applications.update',
      {
        id: draft.id,
        form: {
          profession: 'bidan',
          strNumber: 'STR-3271/2024/0099',
          practiceAddress: 'Jl. Merdeka 5, Bogor',
          practiceArea: '32.71.03.1006',
          practiceOrder: 1,
        },
      },
      token.citizen,
    );
    const submitted = await client.request('permits.applications.submit', { id: draft.id }, token.citizen);
    expect(submitted).toMatchObject({ status: 'in-review', trackingNumber, completeAt: null, dueAt: null });
    expect(submitted.openTasks).toEqual([
      expect.objectContaining({
        stage: 'verification',
        agencyCode: 'DPMPTSP',
        role: 'front-office',
        status: 'open',
      }),
    ]);
    expect(submitted.openTasks[0].dueAt).not.toBeNull();
    await expect(client.request('tracking.dossiers.public-view', { trackingNumber })).resolves.toMatchObject({
      status: 'open',
    });

    // Officers of other agencies or roles cannot act on it.
    const verification = (await taskFor('fo', draft.id))!;
    expect(verification.actions.map((a) => a.name)).toEqual(['complete', 'return', 'reject']);
    expect(
      await fails(client.request('permits.tasks.act', { id: verification.id, action: 'complete' }, token.pu)),
    ).toMatchObject({ status: 403 });
    expect(await taskFor('pu', draft.id)).toBeUndefined();

    // "Lengkap dan benar": the 14-working-day service standard starts now.
    const complete = await client.request(
      'permits.tasks.act',
      { id: verification.id, action: 'complete' },
      token.fo,
    );
    expect(complete.completeAt).not.toBeNull();
    expect(complete.dueAt).not.toBeNull();
    expect(complete.openTasks).toEqual([
      expect.objectContaining({ stage: 'competence-review', agencyCode: 'DINKES', role: 'reviewer' }),
    ]);

    // A return needs a note; then the clock stops until the applicant answers.
    const review = (await taskFor('dinkes', draft.id))!;
    expect(
      await fails(client.request('permits.tasks.act', { id: review.id, action: 'return' }, token.dinkes)),
    ).toMatchObject({ status: 409, code: 'GUARD_FAILED' });
    const returned = await client.request(
      'permits.tasks.act',
      { id: review.id, action: 'return', note: 'STR kedaluwarsa, unggah STR terbaru' },
      token.dinkes,
    );
    expect(returned).toMatchObject({ status: 'returned', dueAt: null, openTasks: [] });
    const resubmitted = await client.request(
      'permits.applications.resubmit',
      { id: draft.id },
      token.citizen,
    );
    expect(resubmitted.status).toBe('in-review');
    expect(resubmitted.dueAt).not.toBeNull();
    expect(resubmitted.openTasks.map((t) => t.stage)).toEqual(['competence-review']);

    const again = (await taskFor('dinkes', draft.id))!;
    await client.request('permits.tasks.act', { id: again.id, action: 'recommend' }, token.dinkes);
    const decision = (await taskFor('supervisor', draft.id))!;
    await client.request('permits.tasks.act', { id: decision.id, action: 'approve' }, token.supervisor);
    const issue = (await taskFor('fo', draft.id))!;
    const issued = await client.request('permits.tasks.act', { id: issue.id, action: 'issue' }, token.fo);
    expect(issued).toMatchObject({ status: 'issued', outcome: 'issued', openTasks: [] });

    // The permit: its number from DPMPTSP's sequence, and a QR code anyone can verify.
    const permit = await client.request('permits.permits.get', { id: draft.id }, token.citizen);
    expect(permit.number).toMatch(new RegExp(`^503/\\d{4}/SIP/DPMPTSP-3271/${new Date().getUTCFullYear()}$`));
    expect(permit).toMatchObject({
      holderName: demo.person.name,
      permitType: { code: 'SIP' },
      revokedAt: null,
    });
    expect(permit.verificationUrl).toBe(`http://localhost:3000/verifikasi/${permit.verificationCode}`);
    await expect(
      client.request('permits.permits.verify', { code: permit.verificationCode }),
    ).resolves.toMatchObject({
      genuine: true,
      status: 'valid',
      number: permit.number,
      holderName: demo.person.name,
    });
    const [payload, signature] = permit.verificationCode.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), h: 'Orang Lain' }),
    ).toString('base64url');
    await expect(
      client.request('permits.permits.verify', { code: `${forged}.${signature}` }),
    ).resolves.toEqual({ genuine: false, status: 'unknown' });
    // Then, durably and once: the PDF goes into the dossier and the dossier is closed.
    const closed = await waitFor(async () => {
      const d = await client.request('tracking.dossiers.get', { trackingNumber }, token.citizen);
      return d.status === 'closed' ? d : null;
    }, 20000);
    expect(closed).toMatchObject({ outcome: 'issued' });
    expect(closed.documents.map((d) => d.kind)).toContain('issued-permit');
    // Permits records the document in its own transaction, which commits a moment after tracking's close.
    const stored = await waitFor(async () => {
      const p = await client.request('permits.permits.get', { id: draft.id }, token.citizen);
      return p.documentId;
    }, 5000);
    expect(stored).toBe(closed.documents.find((d) => d.kind === 'issued-permit')!.id);

    const history = await db.query(
      'SELECT type, actor FROM application_history WHERE application_id = $1 ORDER BY seq',
      [draft.id],
    );
    expect(history.map((h: { type: string }) => h.type)).toEqual([
      'created',
      'form-updated',
      'submitted',
      'action',
      'action',
      'resubmitted',
      'action',
      'action',
      'action',
    ]);
    await expect(
      db.query(`UPDATE application_history SET type = 'x' WHERE application_id = $1`, [draft.id]),
    ).rejects.toThrow(/append-only/);
    const events = await db.query(
      `SELECT count(*)::int AS n FROM outbox WHERE subject = 'evt.permits.application-changed' AND payload->'data'->>'applicationId' = $1`,
      [draft.id],
    );
    expect(events[0].n).toBe(8); // the draft's (which opens its dossier) and one per change since

    // A supervisor of the issuing agency revokes it; verification says so from then on. Neither a
    // front-office officer nor a supervisor of an agency with the same code in another region may.
    for (const who of ['fo', 'otherRegionSupervisor'])
      expect(
        await fails(
          client.request(
            'permits.permits.revoke',
            { applicationId: draft.id, reason: 'Izin praktik dicabut' },
            token[who],
          ),
        ),
      ).toMatchObject({ status: 403 });
    await expect(
      client.request('permits.permits.verify', { code: permit.verificationCode }),
    ).resolves.toMatchObject({ genuine: true, status: 'valid' });
    const revoked = await client.request(
      'permits.permits.revoke',
      { applicationId: draft.id, reason: 'STR dibekukan oleh konsil' },
      token.supervisor,
    );
    expect(revoked.revokedAt).not.toBeNull();
    await expect(
      client.request('permits.permits.verify', { code: permit.verificationCode }),
    ).resolves.toMatchObject({ genuine: true, status: 'revoked' });
  });

  it('lets exactly one of two officers acting on the same task at once win', async () => {
    const app = await submittedSip({
      profession: 'perawat',
      strNumber: 'STR-3271/2025/0100',
      practiceAddress: 'Jl. Sudirman 1',
      practiceArea: '32.71.03.1006',
      practiceOrder: 2,
    });
    const task = (await taskFor('fo', app.id))!;
    const results = await Promise.allSettled([
      client.request('permits.tasks.act', { id: task.id, action: 'complete' }, token.fo),
      client.request(
        'permits.tasks.act',
        { id: task.id, action: 'reject', note: 'duplikat', reason: 'izin-sudah-ada' },
        token.fo2,
      ),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(loser.reason).toMatchObject({ status: 409, code: 'TASK_CLOSED' });
    const [row] = await db.query(
      `SELECT count(*)::int AS n FROM tasks WHERE application_id = $1 AND stage = 'verification' AND status = 'done'`,
      [app.id],
    );
    expect(row.n).toBe(1);
  });

  it('escalates an overdue task exactly once with two schedulers racing, and applies fiktif positif once', async () => {
    const app = await submittedSip({
      profession: 'apoteker',
      strNumber: 'STR-3271/2023/0777',
      practiceAddress: 'Jl. Suryakencana 3',
      practiceArea: '32.71.03.1006',
      practiceOrder: 1,
    });
    await db.query(`UPDATE tasks SET due_at = now() - interval '1 day' WHERE application_id = $1`, [app.id]);

    const scheduler = permits.get(SlaScheduler);
    const [a, b] = await Promise.all([scheduler.runOnce(), scheduler.runOnce()]);
    expect(a + b).toBeGreaterThanOrEqual(1);
    const overdueEvents = async () =>
      (
        await db.query(
          `SELECT payload->'data' AS data FROM outbox WHERE subject = 'evt.permits.task.overdue' AND payload->'data'->>'applicationId' = $1 ORDER BY seq`,
          [app.id],
        )
      ).map((r: { data: object }) => r.data);
    expect(await overdueEvents()).toEqual([
      expect.objectContaining({
        stage: 'verification',
        agencyCode: 'DPMPTSP',
        automaticAction: null,
        escalatedTo: [expect.any(String)],
      }),
    ]);
    await scheduler.runOnce(); // a later pass finds nothing new
    expect(await overdueEvents()).toHaveLength(1);

    // The DINKES review declares recommend-on-timeout: past its SLA it moves on by itself, once.
    const verification = (await taskFor('fo', app.id))!;
    await client.request('permits.tasks.act', { id: verification.id, action: 'complete' }, token.fo);
    await db.query(
      `UPDATE tasks SET due_at = now() - interval '1 day' WHERE application_id = $1 AND stage = 'competence-review'`,
      [app.id],
    );
    await Promise.all([scheduler.runOnce(), scheduler.runOnce()]);
    const moved = await client.request('permits.applications.get', { id: app.id }, token.citizen);
    expect(moved.openTasks.map((t) => t.stage)).toEqual(['decision']);
    const automatic = await db.query(
      `SELECT actor, data FROM application_history WHERE application_id = $1 AND type = 'automatic-action'`,
      [app.id],
    );
    expect(automatic).toEqual([
      {
        actor: expect.objectContaining({ kind: 'service', id: 'permits' }),
        data: expect.objectContaining({ action: 'recommend', reason: 'sla-expired' }),
      },
    ]);
    expect(
      (await overdueEvents()).map((e: { automaticAction: string | null; automaticActionLabel: unknown }) => [
        e.automaticAction,
        e.automaticActionLabel,
      ]),
    ).toEqual([
      [null, null],
      // Named as the stage names it, for the supervisors told of it.
      ['recommend', { id: 'Rekomendasikan', en: 'Recommend' }],
    ]);
  });

  it('bills a billboard levy from the form and holds the file until the payment is recorded', async () => {
    const app = await submitted(
      'REKLAME',
      [
        ['identity-card', PNG],
        ['photo', PNG],
        ['site-plan', PDF],
      ] as const,
      {
        location: 'Jl. Pajajaran depan Botani Square',
        siteArea: '32.71.01.1001',
        boardArea: 8,
        months: 6,
        content: 'Kopi Bogor Asli',
      },
    );
    await client.request(
      'permits.tasks.act',
      { id: (await taskFor('fo', app.id))!.id, action: 'complete' },
      token.fo,
    );
    const billed = await client.request(
      'permits.tasks.act',
      { id: (await taskFor('pu', app.id))!.id, action: 'approve' },
      token.pu,
    );
    expect(billed.fee).toMatchObject({
      stage: 'fee-assessment',
      amount: 8 * 25000 * 6,
      currency: 'IDR',
      paidAt: null,
    });
    expect(billed.fee!.billNumber).toMatch(/^RET\/3271\/\d{4}\/\d{6}$/);

    await login('verifier', officer('DPMPTSP', 'verifier'));
    const feeTask = (await taskFor('verifier', app.id))!;
    expect(
      await fails(client.request('permits.tasks.act', { id: feeTask.id, action: 'paid' }, token.verifier)),
    ).toMatchObject({
      status: 409,
      details: [{ path: '/guards/feePaid' }],
    });
    expect(
      await fails(
        client.request(
          'permits.fees.record-payment',
          { applicationId: app.id, reference: 'BJB-2026-0001' },
          token.pu,
        ),
      ),
    ).toMatchObject({ status: 403 });
    const paid = await client.request(
      'permits.fees.record-payment',
      { applicationId: app.id, reference: 'BJB-2026-0001' },
      token.verifier,
    );
    expect(paid.fee).toMatchObject({ paymentReference: 'BJB-2026-0001', paidAt: expect.any(String) });
    expect(
      await fails(
        client.request(
          'permits.fees.record-payment',
          { applicationId: app.id, reference: 'BJB-2026-0002' },
          token.verifier,
        ),
      ),
    ).toMatchObject({ status: 409 });
    await client.request('permits.tasks.act', { id: feeTask.id, action: 'paid' }, token.verifier);
    const issued = await client.request(
      'permits.tasks.act',
      { id: (await taskFor('supervisor', app.id))!.id, action: 'approve' },
      token.supervisor,
    );
    expect(issued.status).toBe('issued');
    const permit = await client.request('permits.permits.get', { id: app.id }, token.citizen);
    expect(permit.number).toMatch(/^510\/\d{4}\/REKLAME\/DPMPTSP-3271\/\d{4}$/);
    const today = localDateIn('3271', new Date()); // validity runs from the local date of issue
    expect(permit.validUntil).toBe(`${Number(today.slice(0, 4)) + 1}${today.slice(4)}`);
  });

  it('takes a PBG through parallel review with custody, a correction, the levy and the decision to a verified permit', async () => {
    const app = await submitted(
      'PBG',
      [
        ['identity-card', PNG],
        ['certificate', PDF],
        ['technical-drawing', PDF],
        ['site-plan', PDF],
      ] as const,
      {
        buildingFunction: 'hunian',
        address: 'Jl. Pandu Raya 7, Bogor',
        siteArea: '32.71.05.1002',
        floorArea: 120,
        floors: 2,
        buildingIndex: 1.25,
        landCertificate: 'SHM-4321/2018',
      },
    );
    const tn = app.trackingNumber!;
    const review = await client.request(
      'permits.tasks.act',
      { id: (await taskFor('fo', app.id))!.id, action: 'complete' },
      token.fo,
    );
    const byStage = Object.fromEntries(review.openTasks.map((t) => [t.stage, t]));
    expect(byStage['review-dlh'].dueAt).not.toBeNull(); // digital: its clock runs at once
    expect(byStage['review-dpupr'].dueAt).toBeNull(); // waits for the paper dossier

    const sent = await waitFor(async () => {
      const d = await client.request('tracking.dossiers.get', { trackingNumber: tn }, token.fo);
      return d.inTransit ? d : null;
    }, 20000);
    expect(sent.inTransit).toMatchObject({ to: { code: 'DPUPR' } });
    await client.request('tracking.handoffs.receive', { id: sent.inTransit!.handoffId }, token.pu);
    const started = await waitFor(async () => {
      const a = await client.request('permits.applications.get', { id: app.id }, token.citizen);
      return a.openTasks.find((t) => t.stage === 'review-dpupr')?.dueAt ? a : null;
    }, 20000);
    expect(started.openTasks.map((t) => t.stage).sort()).toEqual(['review-dlh', 'review-dpupr']);
    const history = await db.query(
      `SELECT type FROM application_history WHERE application_id = $1 AND type LIKE 'custody-%' ORDER BY seq`,
      [app.id],
    );
    expect(history.map((h: { type: string }) => h.type)).toEqual(['custody-sent', 'custody-received']);

    // Environment asks for a correction: the whole parallel review stops and the clock with it.
    await login('dlh', officer('DLH', 'reviewer'));
    const returned = await client.request(
      'permits.tasks.act',
      { id: (await taskFor('dlh', app.id))!.id, action: 'return', note: 'Lengkapi SPPL' },
      token.dlh,
    );
    expect(returned).toMatchObject({ status: 'returned', dueAt: null, openTasks: [] });
    await attach(app.id, 'environmental-document', PDF);
    const resubmitted = await client.request('permits.applications.resubmit', { id: app.id }, token.citizen);
    expect(resubmitted.openTasks.map((t) => t.stage).sort()).toEqual(['review-dlh', 'review-dpupr']);
    // Public works still holds the paper dossier, so its clock starts without another handoff.
    await waitFor(
      async () =>
        (await client.request('permits.applications.get', { id: app.id }, token.citizen)).openTasks.every(
          (t) => t.dueAt,
        ),
      20000,
    );

    // Environment approves with its review memo attached, though public works holds the paper: the
    // memo goes into the dossier through the task, and the approval names it.
    const dlhTask = (await taskFor('dlh', app.id))!.id;
    const memo = await attachToTask(dlhTask, 'dlh', 'telaah-lingkungan.pdf');
    expect(memo).toMatchObject({
      kind: 'action-attachment',
      fileName: 'telaah-lingkungan.pdf',
      uploadedBy: { agencyCode: 'DLH' },
    });
    // Nobody else's action takes it, nobody registers another's upload as theirs, and nobody adds
    // such a file beside a task.
    const puTask = (await taskFor('pu', app.id))!.id;
    const dlhGrant = await client.request(
      'permits.tasks.prepare-attachment',
      { id: dlhTask, fileName: 'lain.pdf' },
      token.dlh,
    );
    expect(
      await fails(
        client.request(
          'permits.tasks.register-attachment',
          {
            id: puTask,
            uploadId: dlhGrant.uploadId,
            sha256: 'a'.repeat(64),
            size: 1,
            mediaType: 'application/pdf',
          },
          token.pu,
        ),
      ),
    ).toMatchObject({ status: 404 });
    expect(
      await fails(
        client.request(
          'permits.tasks.act',
          { id: puTask, action: 'approve', attachments: [memo.id] },
          token.pu,
        ),
      ),
    ).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(
      await fails(
        client.request(
          'tracking.documents.prepare-upload',
          { trackingNumber: tn, kind: 'action-attachment', fileName: 'x.pdf' },
          token.pu,
        ),
      ),
    ).toMatchObject({ status: 403 });
    await client.request(
      'permits.tasks.act',
      { id: dlhTask, action: 'approve', attachments: [memo.id] },
      token.dlh,
    );
    const [approval] = await db.query(
      `SELECT data FROM application_history WHERE application_id = $1 AND data->>'taskId' = $2`,
      [app.id, dlhTask],
    );
    expect(approval.data.attachments).toEqual([
      {
        documentId: memo.id,
        fileName: 'telaah-lingkungan.pdf',
        mediaType: 'application/pdf',
        size: memo.size,
      },
    ]);
    // A requirement it is not: the application's documents leave it to the history.
    const documents = await client.request('permits.applications.documents', { id: app.id }, token.citizen);
    expect(documents.items.map((d) => d.kind)).not.toContain('action-attachment');
    const joined = await client.request(
      'permits.tasks.act',
      { id: (await taskFor('pu', app.id))!.id, action: 'approve' },
      token.pu,
    );
    expect(joined.openTasks.map((t) => t.stage)).toEqual(['fee-assessment']);
    expect(joined.fee).toMatchObject({ amount: 1_500_000 }); // round(120 m² × 10,000 × 1.25)
    // The dossier goes back to the one-stop office for the levy and the decision.
    const back = await waitFor(async () => {
      const d = await client.request('tracking.dossiers.get', { trackingNumber: tn }, token.fo);
      return d.inTransit?.to.code === 'DPMPTSP' ? d : null;
    }, 20000);
    await client.request('tracking.handoffs.receive', { id: back.inTransit!.handoffId }, token.fo);
    await login('verifier', officer('DPMPTSP', 'verifier'));
    await client.request(
      'permits.fees.record-payment',
      { applicationId: app.id, reference: 'BJB-PBG-0001' },
      token.verifier,
    );
    await client.request(
      'permits.tasks.act',
      { id: (await taskFor('verifier', app.id))!.id, action: 'paid' },
      token.verifier,
    );
    await client.request(
      'permits.tasks.act',
      { id: (await taskFor('supervisor', app.id))!.id, action: 'approve' },
      token.supervisor,
    );
    const issued = await client.request(
      'permits.tasks.act',
      { id: (await taskFor('fo', app.id))!.id, action: 'issue' },
      token.fo,
    );
    expect(issued).toMatchObject({ status: 'issued' });
    const permit = await client.request('permits.permits.get', { id: app.id }, token.citizen);
    expect(permit.number).toMatch(/^644\/\d{4}\/PBG\/DPMPTSP-3271\/\d{4}$/);
    await expect(
      client.request('permits.permits.verify', { code: permit.verificationCode }),
    ).resolves.toMatchObject({ genuine: true, status: 'valid' });
  });

  it('lets a region add its own day off, which working-day counts then skip', async () => {
    await login('dlhAdmin', officer('DLH', 'agency-admin'));
    const calendars = permits.get(CalendarService);
    expect((await calendars.forRegion('3271')).isWorkingDay('2027-06-03')).toBe(true);
    // The region's days off move every agency's due dates: one agency's admin may not set them.
    expect(
      await fails(
        client.request(
          'permits.calendars.set-day',
          { regionCode: '3271', date: '2027-06-03', nameId: 'Hari Jadi Bogor', nameEn: 'Bogor Anniversary' },
          token.dlhAdmin,
        ),
      ),
    ).toMatchObject({ status: 403 });
    const set = await client.request(
      'permits.calendars.set-day',
      { regionCode: '3271', date: '2027-06-03', nameId: 'Hari Jadi Bogor', nameEn: 'Bogor Anniversary' },
      token.admin,
    );
    expect(set.days).toContainEqual({
      date: '2027-06-03',
      nameId: 'Hari Jadi Bogor',
      nameEn: 'Bogor Anniversary',
      kind: 'regional',
      regional: true,
    });
    expect(set.days.filter((d) => !d.regional).length).toBeGreaterThan(10); // the national days of 2027
    expect((await calendars.forRegion('3271')).isWorkingDay('2027-06-03')).toBe(false);
    expect((await calendars.forRegion('3201')).isWorkingDay('2027-06-03')).toBe(true); // another region is not affected
    expect(
      await fails(
        client.request(
          'permits.calendars.set-day',
          { regionCode: '3271', date: '2027-01-01', nameId: 'Tahun Baru', nameEn: 'New Year' },
          token.admin,
        ),
      ),
    ).toMatchObject({ status: 400 });
    expect(
      await fails(
        client.request(
          'permits.calendars.set-day',
          { regionCode: '3271', date: '2027-06-04', nameId: 'Libur', nameEn: 'Day off' },
          token.pu,
        ),
      ),
    ).toMatchObject({ status: 403 });
    await client.request(
      'permits.calendars.remove-day',
      { regionCode: '3271', date: '2027-06-03' },
      token.admin,
    );
    expect((await calendars.forRegion('3271')).isWorkingDay('2027-06-03')).toBe(true);
  });

  it('rejects an application with a reason and closes its dossier', async () => {
    const app = await submittedSip({
      profession: 'dokter',
      strNumber: 'STR-3271/2020/0001',
      practiceAddress: 'Jl. Veteran 9',
      practiceArea: '32.71.03.1006',
      practiceOrder: 3,
    });
    const verification = (await taskFor('fo', app.id))!;
    expect(
      await fails(client.request('permits.tasks.act', { id: verification.id, action: 'reject' }, token.fo)),
    ).toMatchObject({ status: 409 });
    const rejected = await client.request(
      'permits.tasks.act',
      {
        id: verification.id,
        action: 'reject',
        note: 'Sudah memiliki tiga SIP',
        reason: 'tidak-memenuhi-syarat',
      },
      token.fo,
    );
    expect(rejected).toMatchObject({ status: 'rejected', outcome: 'rejected', openTasks: [] });
    const closed = await waitFor(async () => {
      const d = await client.request(
        'tracking.dossiers.get',
        { trackingNumber: app.trackingNumber! },
        token.citizen,
      );
      return d.status === 'closed' ? d : null;
    }, 20000);
    expect(closed.outcome).toBe('rejected');
    expect(await fails(client.request('permits.permits.get', { id: app.id }, token.citizen))).toMatchObject({
      status: 404,
    });
  });

  it('shares a company’s applications among its members and no one else', async () => {
    await login('rudi', demo.company.members[0].email);
    await login('wulan', demo.company.members[1].email);
    const app = await client.request(
      'permits.applications.create',
      { permitType: 'REKLAME', regionCode: '3271', form: { location: 'Jl. Juanda 1' } },
      token.rudi,
    );
    expect(app.companyId).not.toBeNull();
    // Wulan continues what Rudi started.
    const updated = await client.request(
      'permits.applications.update',
      {
        id: app.id,
        form: {
          location: 'Jl. Juanda 1',
          siteArea: '32.71.01.1001',
          boardArea: 4,
          months: 3,
          content: 'Hujan Sejahtera',
        },
      },
      token.wulan,
    );
    expect(updated.form).toMatchObject({ boardArea: 4 });
    expect(
      (await client.request('permits.applications.list', {}, token.wulan)).items.map((a) => a.id),
    ).toContain(app.id);
    expect(
      await fails(client.request('permits.applications.get', { id: app.id }, token.citizen)),
    ).toMatchObject({ status: 404 });
  });

  it('lets an officer claim and release a task, and a supervisor reassign it to a colleague', async () => {
    const app = await submittedSip({
      profession: 'fisioterapis',
      strNumber: 'STR-3271/2022/0456',
      practiceAddress: 'Jl. Siliwangi 2',
      practiceArea: '32.71.03.1006',
      practiceOrder: 1,
    });
    const task = (await taskFor('fo', app.id))!;
    const claimed = await client.request('permits.tasks.claim', { id: task.id }, token.fo);
    expect(claimed).toMatchObject({ status: 'claimed' });
    expect(await fails(client.request('permits.tasks.claim', { id: task.id }, token.fo2))).toMatchObject({
      status: 409,
    });
    expect(
      await fails(client.request('permits.tasks.act', { id: task.id, action: 'complete' }, token.fo2)),
    ).toMatchObject({ status: 409, code: 'TASK_TAKEN' });
    expect(await fails(client.request('permits.tasks.release', { id: task.id }, token.fo2))).toMatchObject({
      status: 409,
    });
    const mine = await client.request('permits.tasks.inbox', { scope: 'mine' }, token.fo);
    expect(mine.items.map((t) => t.id)).toContain(task.id);
    await client.request('permits.tasks.release', { id: task.id }, token.fo);

    // Rina is on leave: her supervisor hands the task to Tono.
    const tono = (await client.request('identity.me.get', {}, token.fo2)).principal.id;
    expect(
      await fails(client.request('permits.tasks.reassign', { id: task.id, staffId: tono }, token.fo)),
    ).toMatchObject({ status: 403 });
    const dinkesReviewer = (await client.request('identity.me.get', {}, token.dinkes)).principal.id;
    expect(
      await fails(
        client.request('permits.tasks.reassign', { id: task.id, staffId: dinkesReviewer }, token.supervisor),
      ),
    ).toMatchObject({ status: 400 });
    const reassigned = await client.request(
      'permits.tasks.reassign',
      { id: task.id, staffId: tono },
      token.supervisor,
    );
    expect(reassigned).toMatchObject({ status: 'claimed', claimedBy: tono });
    await expect(
      client.request('permits.tasks.act', { id: task.id, action: 'complete' }, token.fo2),
    ).resolves.toMatchObject({ completeAt: expect.any(String) });
  });

  it('numbers permits per issuing office and local year, and bills in their own sequence, without gaps under concurrency', async () => {
    const issuing = permits.get(PermitIssuing);
    const billing = permits.get(FeeBilling);
    const template = (await db.query(`SELECT * FROM applications WHERE region_code = '3271' LIMIT 1`))[0];
    const otherOffice = (
      await client.request('identity.agencies.get', { regionCode: '9990', code: 'DPMPTSP' }, token.admin)
    ).id;
    const apps: ApplicationRecord[] = [];
    for (let i = 0; i < 16; i++) {
      const [row] = await db.query(
        `INSERT INTO applications (permit_type, region_code, applicant_id, applicant_name, holder_name, status,
           form, issuing_agency_id, workflow_code, workflow_version, service_clock, created_at, updated_at, history_head)
         VALUES ('REKLAME', $1, $2, 'Uji Nomor', 'Uji Nomor', 'in-review', $3, $4, 'REKLAME', 1, '[]', now(), now(), $5)
         RETURNING id`,
        [
          i % 2 ? '9990' : '3271',
          template.applicant_id,
          { location: 'Jl. Uji', siteArea: '32.71.01.1001', boardArea: 2, months: 1, content: 'Uji' },
          i % 2 ? otherOffice : template.issuing_agency_id,
          '0'.repeat(64),
        ],
      );
      apps.push(await db.getRepository(ApplicationRecord).findOneByOrFail({ id: row.id }));
    }
    // 01:30 WIB on 1 January 2027 is still 2026 in UTC: the numbers belong to 2027.
    const newYearsMorning = new Date('2026-12-31T18:30:00Z');
    const stage = (await permits.get(CatalogService).current('REKLAME')).definition.stages['fee-assessment'];
    const results = await Promise.allSettled(
      apps.map((app, i) =>
        db.transaction(async (m) => {
          const { permit } = await issuing.issue(m, app, newYearsMorning);
          const bill = await billing.billFor(m, app, 'fee-assessment', stage as TaskStage, newYearsMorning);
          if (i % 8 === 3 || i % 8 === 6) throw new Error('rolled back'); // two per office: numbers go back
          return { region: app.regionCode, permit, bill };
        }),
      ),
    );
    const kept = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(kept).toHaveLength(12);
    for (const region of ['3271', '9990']) {
      const mine = kept.filter((k) => k.region === region);
      const sequences = (get: (k: (typeof kept)[number]) => number) => mine.map(get).sort((a, b) => a - b);
      expect(sequences((k) => k.permit.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(mine.every((k) => k.permit.year === 2027)).toBe(true);
      expect(mine.every((k) => k.permit.number.endsWith(`/REKLAME/DPMPTSP-${region}/2027`))).toBe(true);
      expect(sequences((k) => Number(k.bill!.billNumber.split('/')[3]))).toEqual([1, 2, 3, 4, 5, 6]);
      expect(mine.every((k) => k.bill!.billNumber.startsWith(`RET/${region}/2027/`))).toBe(true);
    }
  });

  it('keeps applications to their applicant, and claimed tasks to their claimant', async () => {
    const app = await client.request(
      'permits.applications.create',
      { permitType: 'REKLAME', regionCode: '3271' },
      token.citizen,
    );
    await login('company', demo.company.members[0].email);
    expect(
      await fails(client.request('permits.applications.get', { id: app.id }, token.company)),
    ).toMatchObject({ status: 404 });
    expect(
      await fails(
        client.request('permits.applications.create', { permitType: 'SIP', regionCode: '3271' }, token.fo),
      ),
    ).toMatchObject({ status: 403 });
    const mine = await client.request('permits.applications.list', {}, token.citizen);
    expect(mine.items.map((a) => a.id)).toContain(app.id);
    expect(
      (await client.request('permits.applications.list', {}, token.company)).items.map((a) => a.id),
    ).not.toContain(app.id);
    expect(
      await fails(
        client.request(
          'permits.applications.create',
          { permitType: 'SIP', regionCode: '3201' },
          token.citizen,
        ),
      ),
    ).toMatchObject({ status: 400 });
  });

  it('refuses an invalid workflow with every problem, and publishes a valid one as the next version', async () => {
    const label = { id: 'x', en: 'x' };
    const lonely = {
      kind: 'task' as const,
      label,
      owner: { agencyCode: 'DPMPTSP', role: 'verifier' as const },
      slaDays: 1,
      actions: { again: { to: 'lonely', label } },
    };
    const publish = (definition: object) =>
      fails(client.request('permits.workflows.publish', { definition } as never, token.admin));
    // Its shape is proto's: a wrong field is named like any other.
    expect(
      await publish({
        code: 'SIP',
        name: label,
        serviceStandardDays: 0,
        start: 'lonely',
        stages: { lonely },
      }),
    ).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      details: [{ path: '/definition/serviceStandardDays', message: expect.stringMatching(/>= 1/) }],
    });
    // Its soundness as a process is the engine's: every problem at once.
    const bad = await publish({
      code: 'SIP',
      name: label,
      serviceStandardDays: 5,
      start: 'nowhere',
      stages: { lonely },
    });
    expect(bad).toMatchObject({ status: 400, code: 'INVALID_WORKFLOW' });
    expect(bad.details!.map((d) => d.path)).toEqual(expect.arrayContaining(['/start', '/stages/lonely']));
    const current = (
      await db.query(`SELECT definition FROM workflow_versions WHERE code = 'SIP' AND version = 1`)
    )[0].definition;
    const unknownOwner = JSON.parse(JSON.stringify(current));
    unknownOwner.stages.decision.owner.agencyCode = 'DISHUB';
    expect(
      await fails(client.request('permits.workflows.publish', { definition: unknownOwner }, token.admin)),
    ).toMatchObject({
      details: [{ path: '/stages/decision/owner/agencyCode', message: 'DISHUB is no agency of region 3271' }],
    });
    expect(
      await fails(client.request('permits.workflows.publish', { definition: current }, token.fo)),
    ).toMatchObject({ status: 403 });
    const v2 = await client.request(
      'permits.workflows.publish',
      { definition: { ...current, serviceStandardDays: 10 } },
      token.admin,
    );
    expect(v2).toMatchObject({ code: 'SIP', version: 2 });
    const fresh = await client.request(
      'permits.applications.create',
      { permitType: 'SIP', regionCode: '3271' },
      token.citizen,
    );
    expect(fresh.workflowVersion).toBe(2);
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM applications WHERE permit_type = 'SIP' AND workflow_version = 1`,
    );
    expect(n).toBeGreaterThan(0); // files in flight keep the version they started on

    // Anyone may read a published workflow, latest or by version, as its service standard is public.
    const latest = await client.request('permits.workflows.get', { code: 'SIP' });
    expect(latest).toMatchObject({ code: 'SIP', version: 2, definition: { serviceStandardDays: 10 } });
    expect(latest.definition.stages['verification']).toMatchObject({
      kind: 'task',
      owner: { agencyCode: 'DPMPTSP', role: 'front-office' },
      actions: { return: { to: '@applicant', guards: ['noteGiven'] } },
    });
    expect(await client.request('permits.workflows.get', { code: 'SIP', version: 1 })).toMatchObject({
      version: 1,
      definition: { serviceStandardDays: 14 },
    });
    expect(await fails(client.request('permits.workflows.get', { code: 'SIP', version: 3 }))).toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
