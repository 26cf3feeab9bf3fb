import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { loadConfig, S3Env, SERVICE_CONFIG, type ServiceConfig } from '@berkas/config';
import type { AppError, DocumentKind, TokenPair } from '@berkas/contracts';
import { bootstrapService, createStandaloneClient, type StandaloneClient } from '@berkas/messaging';
import { createStorageClient, uploadStream } from '@berkas/storage';
import {
  demoAccounts,
  startBuiltService,
  stopBuiltServices,
  dropDatabase,
  freePort,
  startPrivateNats,
  startPrivateS3,
  TEST_INFRA,
  uniqueName,
  type PrivateNats,
  type PrivateS3,
  rejectionOf,
} from '@berkas/testing';
import type { ChildProcess } from 'node:child_process';
import { generateTrackingNumber } from '@berkas/contracts';
import { AppModule } from './app.module';

const demo = demoAccounts();

// Tracking as it runs in production, beside a real identity service (tokens, agencies), on real
// PostgreSQL, a private nats-server and a private S3 server.
describe('tracking service', () => {
  let nats: PrivateNats;
  let s3: PrivateS3;
  let identity: ChildProcess;
  let tracking: INestApplication;
  let client: StandaloneClient;
  /** The permits service's side of the bus: its own service token where no person's is sent. */
  let permits: StandaloneClient;
  let db: DataSource;
  const databases = {
    identity: uniqueName('berkas_test_trk_identity'),
    tracking: uniqueName('berkas_test_trk_tracking'),
  };
  const s3env = new S3Env();
  const tokens: Record<string, TokenPair> = {};
  const agencies: Record<string, string> = {};

  const fails = (p: Promise<unknown>) => rejectionOf<AppError>(p);
  /** A person's token; `service` is the permits service acting on its own (see `by`). */
  const as = (who: string) => (who === 'service' ? undefined : tokens[who].accessToken);
  /** The client that sends as `who`. */
  const by = (who: string) => (who === 'service' ? permits : client);

  const envFor = async (service: 'identity' | 'tracking', extra: Record<string, string>) => ({
    NATS_URL: nats.url,
    DATABASE_URL: TEST_INFRA.databaseUrl,
    DATABASE_NAME: databases[service],
    HTTP_PORT: String(await freePort()),
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...extra,
  });

  beforeAll(async () => {
    nats = await startPrivateNats();
    s3 = await startPrivateS3();
    Object.assign(s3env, { port: s3.port });
    const identityEnv = await envFor('identity', { DEMO_DATA: 'true' });
    identity = await startBuiltService('identity', identityEnv);
    const { sections, defaults } = SERVICE_CONFIG.tracking;
    const config = loadConfig(
      sections,
      await envFor('tracking', { S3_PORT: String(s3.port) }),
      defaults,
    ) as ServiceConfig<'tracking'>;
    tracking = await bootstrapService({
      service: 'tracking',
      module: AppModule.register(config),
      http: config.http,
      nats: config.nats,
    });
    db = tracking.get(DataSource);
    client = await createStandaloneClient(nats.url);
    permits = await createStandaloneClient(nats.url, { as: 'permits' });
    const staff = (agency: string, role: string) =>
      demo.staff.find((s) => s.agency === agency && s.roles.includes(role))!.email;
    const logins = {
      fo: staff('DPMPTSP', 'front-office'),
      pu: staff('DPUPR', 'reviewer'),
      dlh: staff('DLH', 'reviewer'),
      dinkes: staff('DINKES', 'reviewer'),
      citizen: demo.person.email,
    };
    for (const [who, username] of Object.entries(logins))
      tokens[who] = await client.request('identity.auth.login', { username, password: demo.password });
    for (const a of (await client.request('identity.agencies.list', { regionCode: '3271' }, as('fo'))).items)
      agencies[a.code] = a.id;
  });

  afterAll(async () => {
    await client?.close();
    await permits?.close();
    await tracking?.close();
    if (identity) await stopBuiltServices([identity]);
    await nats?.stop();
    await s3?.stop();
    await Promise.all(Object.values(databases).map((d) => dropDatabase(d)));
  });

  const open = (title = 'Surat permohonan rekomendasi teknis', who = 'fo', agency = 'DPMPTSP', extra = {}) =>
    by(who).request(
      'tracking.dossiers.open',
      { title, kind: 'letter', originAgencyId: agencies[agency], ...extra },
      as(who),
    );

  /**
   * Uploads the way the gateway does: grant, stream to storage, register. `onBehalfOf` an applicant
   * is how permits asks for an application's document: it vouches, and registers, as the service.
   */
  async function upload(
    trackingNumber: string,
    kind: DocumentKind,
    fileName: string,
    bytes: Buffer,
    who = 'fo',
    onBehalfOf?: { kind: 'applicant'; id: string },
  ) {
    const grant = await by(who).request(
      'tracking.documents.prepare-upload',
      { trackingNumber, kind, fileName, ...(onBehalfOf ? { uploader: onBehalfOf } : {}) },
      as(who),
    );
    const stored = await uploadStream(
      createStorageClient(s3env),
      s3env.bucket,
      grant.objectKey,
      Readable.from([bytes]),
      grant,
    );
    return by(who).request(
      'tracking.documents.register',
      {
        uploadId: grant.uploadId,
        sha256: stored.sha256,
        size: stored.size,
        mediaType: stored.type.mediaType,
      },
      as(who),
    );
  }

  it('opens a dossier with a tracking number of its region, held by its origin agency', async () => {
    const d = await open();
    expect(d.trackingNumber).toMatch(/^3271-\d{2}-[0-9A-Z]{4}-[0-9A-Z]{4}-.$/);
    expect(d).toMatchObject({
      status: 'open',
      holder: { code: 'DPMPTSP' },
      origin: { code: 'DPMPTSP' },
      inTransit: null,
    });
    const sloppy = d.trackingNumber.toLowerCase().replace(/-/g, ' ');
    await expect(
      client.request('tracking.dossiers.get', { trackingNumber: sloppy }, as('fo')),
    ).resolves.toMatchObject({ id: d.id });
    // An officer of another agency that never touched it does not see it at all.
    expect(
      await fails(client.request('tracking.dossiers.get', { trackingNumber: d.trackingNumber }, as('dlh'))),
    ).toMatchObject({ status: 404 });
    // Only officers of the origin agency open dossiers for it.
    expect(await fails(open('Surat dari DLH', 'dlh', 'DPMPTSP'))).toMatchObject({ status: 403 });
  });

  it('opens a dossier whose id the caller chose once, however often (and however concurrently) it asks', async () => {
    const id = randomUUID();
    const repeats = await Promise.all(
      Array.from({ length: 4 }, () => open('Surat berulang', 'fo', 'DPMPTSP', { id })),
    );
    expect(new Set(repeats.map((d) => d.id))).toEqual(new Set([id]));
    expect(new Set(repeats.map((d) => d.trackingNumber)).size).toBe(1);
    const history = await client.request(
      'tracking.dossiers.history',
      { trackingNumber: repeats[0].trackingNumber },
      as('fo'),
    );
    expect(history.entries.map((e) => e.type)).toEqual(['opened']);
    // The same id for another origin is another dossier: refused, and the first one is unchanged.
    expect(await fails(open('Surat berulang', 'pu', 'DPUPR', { id }))).toMatchObject({
      status: 409,
      code: 'ALREADY_EXISTS',
    });
  });

  it('keeps a draft out of inboxes and public tracking until it is submitted, while its applicant adds documents', async () => {
    const citizen = (await client.request('identity.me.get', {}, as('citizen'))).principal.id;
    const process = {
      draft: true,
      applicantId: citizen,
      kind: 'permit-application',
      documentRules: [{ kind: 'identity-card' as const, maxBytes: 4096 }],
    };
    // Only the service running the process opens its dossier; an officer may not name its applicant.
    for (const field of Object.keys(process))
      expect(
        await fails(
          open('Permohonan SIP (draf)', 'fo', 'DPMPTSP', { [field]: process[field as keyof typeof process] }),
        ),
      ).toMatchObject({ status: 400, details: [{ path: `/${field}` }] });
    const draft = await open('Permohonan SIP (draf)', 'service', 'DPMPTSP', process);
    expect(draft.status).toBe('draft');
    expect(
      await fails(client.request('tracking.dossiers.public-view', { trackingNumber: draft.trackingNumber })),
    ).toMatchObject({ status: 404 });
    const inbox = await client.request('tracking.dossiers.inbox', {}, as('fo'));
    expect(inbox.items.map((i) => i.trackingNumber)).not.toContain(draft.trackingNumber);
    const png = (size: number) =>
      Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(size)]);
    const applicant = { kind: 'applicant' as const, id: citizen };
    // The applicant adds documents only through the process, and only what it asks for, within its limits.
    expect(
      await fails(upload(draft.trackingNumber, 'identity-card', 'ktp.png', png(500), 'citizen')),
    ).toMatchObject({ status: 409, code: 'DOCUMENTS_THROUGH_APPLICATION' });
    expect(
      await fails(upload(draft.trackingNumber, 'photo', 'foto.png', png(500), 'service', applicant)),
    ).toMatchObject({ status: 400, details: [{ path: '/kind' }] });
    expect(
      await fails(upload(draft.trackingNumber, 'identity-card', 'ktp.png', png(5000), 'service', applicant)),
    ).toMatchObject({ status: 413 });
    // Nobody names an uploader but a service, and an issued permit is a service's alone.
    expect(
      await fails(upload(draft.trackingNumber, 'identity-card', 'ktp.png', png(500), 'fo', applicant)),
    ).toMatchObject({ status: 403 });
    expect(
      await fails(upload(draft.trackingNumber, 'issued-permit', 'izin.pdf', png(500), 'fo')),
    ).toMatchObject({ status: 403 });
    const ktp = await upload(
      draft.trackingNumber,
      'identity-card',
      'ktp.png',
      png(500),
      'service',
      applicant,
    );
    expect(ktp.uploadedBy).toEqual(applicant);
    expect(
      await fails(
        client.request(
          'tracking.handoffs.send',
          { trackingNumber: draft.trackingNumber, toAgencyId: agencies.DINKES },
          as('fo'),
        ),
      ),
    ).toMatchObject({ status: 409 });

    // Only the service running the process submits its dossier; an officer may not.
    expect(
      await fails(
        client.request('tracking.dossiers.activate', { trackingNumber: draft.trackingNumber }, as('fo')),
      ),
    ).toMatchObject({ status: 403, code: 'CALLER_NOT_ALLOWED' });
    const submitted = await permits.request('tracking.dossiers.activate', {
      trackingNumber: draft.trackingNumber,
    });
    expect(submitted).toMatchObject({
      status: 'open',
      documents: [expect.objectContaining({ kind: 'identity-card' })],
    });
    const view = await client.request('tracking.dossiers.public-view', {
      trackingNumber: draft.trackingNumber,
    });
    expect(view.timeline.map((t) => t.event)).toEqual(['submitted']);
    // Activating again (a caller retrying after its own crash) answers the same and adds nothing.
    await expect(
      permits.request('tracking.dossiers.activate', { trackingNumber: draft.trackingNumber }),
    ).resolves.toMatchObject({ status: 'open', trackingNumber: draft.trackingNumber });
    const again = await client.request('tracking.dossiers.public-view', {
      trackingNumber: draft.trackingNumber,
    });
    expect(again.timeline.map((t) => t.event)).toEqual(['submitted']);
  });

  it('says "check the number" for a mistyped number, and not found for an unknown one', async () => {
    const d = await open();
    const typo = d.trackingNumber.slice(0, -1) + (d.trackingNumber.endsWith('0') ? '1' : '0');
    expect(
      await fails(client.request('tracking.dossiers.public-view', { trackingNumber: typo })),
    ).toMatchObject({
      status: 400,
      code: 'INVALID_TRACKING_NUMBER',
      message: expect.stringMatching(/Check the number/),
    });
    expect(
      await fails(client.request('tracking.dossiers.public-view', { trackingNumber: 'hello' })),
    ).toMatchObject({ status: 400 });
    const unknown = generateTrackingNumber('3271', 2026, Buffer.alloc(5, 0)).formatted; // well-formed, never issued
    expect(
      await fails(client.request('tracking.dossiers.public-view', { trackingNumber: unknown })),
    ).toMatchObject({ status: 404 });
  });

  it('stores documents by their content, refuses fakes and oversize files, versions corrections, and serves them with their checksum', async () => {
    const d = await open('Berkas PBG Jl. Pajajaran 10');
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(300_000)]);
    const first = await upload(d.trackingNumber, 'application-letter', 'surat permohonan.pdf', pdf);
    expect(first).toMatchObject({
      version: 1,
      previousId: null,
      mediaType: 'application/pdf',
      size: pdf.length,
      fileName: 'surat permohonan.pdf',
    });
    expect(first.sha256).toBe(createHash('sha256').update(pdf).digest('hex'));

    // Named .pdf, but the bytes are a ZIP: refused from its first bytes.
    await expect(
      upload(d.trackingNumber, 'application-letter', 'surat.pdf', Buffer.from('PK\x03\x04 not a pdf at all')),
    ).rejects.toMatchObject({ status: 415 });
    // Over the 5 MB limit of an identity-card scan.
    await expect(
      upload(
        d.trackingNumber,
        'identity-card',
        'ktp.jpg',
        Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(6 * 1024 * 1024)]),
      ),
    ).rejects.toMatchObject({ status: 413 });

    const corrected = await upload(
      d.trackingNumber,
      'application-letter',
      'surat permohonan (revisi).pdf',
      Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(1000)]),
    );
    expect(corrected).toMatchObject({ version: 2, previousId: first.id });
    const dossier = await client.request(
      'tracking.dossiers.get',
      { trackingNumber: d.trackingNumber },
      as('fo'),
    );
    expect(dossier.documents.map((doc) => [doc.kind, doc.version])).toEqual([
      ['application-letter', 1],
      ['application-letter', 2],
    ]);
    // Object keys reveal neither names nor numbers.
    const [row] = await db.query('SELECT object_key FROM documents WHERE id = $1', [first.id]);
    expect(row.object_key).toBe(`documents/${d.id}/${first.id}`);

    const grant = await client.request('tracking.documents.download', { documentId: first.id }, as('fo'));
    const body = Buffer.from(await (await fetch(grant.url)).arrayBuffer());
    expect(createHash('sha256').update(body).digest('hex')).toBe(grant.document.sha256);
    expect(
      await fails(client.request('tracking.documents.download', { documentId: first.id }, as('dlh'))),
    ).toMatchObject({ status: 404 });
    // A grant is single-use.
    const again = await fails(
      client.request(
        'tracking.documents.register',
        { uploadId: first.id, sha256: first.sha256, size: first.size, mediaType: 'application/pdf' },
        as('fo'),
      ),
    );
    expect(again).toMatchObject({ status: 409 });
  });

  it('hands a dossier from DPMPTSP to DPUPR to DLH with receipts on both sides', async () => {
    const d = await open('Rekomendasi teknis bangunan gedung');
    const doc = await upload(
      d.trackingNumber,
      'technical-drawing',
      'denah.pdf',
      Buffer.concat([Buffer.from('%PDF-1.5\n'), randomBytes(2000)]),
    );
    const sent = await client.request(
      'tracking.handoffs.send',
      {
        trackingNumber: d.trackingNumber,
        toAgencyId: agencies.DPUPR,
        note: 'Mohon kajian teknis',
        documentIds: [doc.id],
        physicalItems: [{ description: 'Map berkas asli', quantity: 1 }],
      },
      as('fo'),
    );
    expect(sent).toMatchObject({
      status: 'in-transit',
      from: { code: 'DPMPTSP' },
      to: { code: 'DPUPR' },
      resolvedBy: null,
    });
    expect(sent.items).toEqual([
      { type: 'document', description: 'technical-drawing v1', documentId: doc.id, sha256: doc.sha256 },
      { type: 'physical', description: 'Map berkas asli', quantity: 1 },
    ]);
    expect(sent.manifestHash).toMatch(/^[0-9a-f]{64}$/);
    const inTransit = await client.request(
      'tracking.dossiers.get',
      { trackingNumber: d.trackingNumber },
      as('pu'),
    );
    expect(inTransit).toMatchObject({
      status: 'in-transit',
      holder: { code: 'DPMPTSP' },
      inTransit: { handoffId: sent.id, to: { code: 'DPUPR' } },
    });
    const incoming = await client.request('tracking.dossiers.inbox', { scope: 'incoming' }, as('pu'));
    expect(incoming.items.map((i) => i.trackingNumber)).toContain(d.trackingNumber);

    // Only the holder sends; only the addressee receives.
    expect(
      await fails(
        client.request(
          'tracking.handoffs.send',
          { trackingNumber: d.trackingNumber, toAgencyId: agencies.DLH },
          as('pu'),
        ),
      ),
    ).toMatchObject({ status: 403 });
    expect(
      await fails(client.request('tracking.handoffs.receive', { id: sent.id }, as('dinkes'))),
    ).toMatchObject({ status: 404 });
    expect(await fails(client.request('tracking.handoffs.receive', { id: sent.id }, as('fo')))).toMatchObject(
      { status: 403 },
    );

    const received = await client.request(
      'tracking.handoffs.receive',
      { id: sent.id, note: 'Diterima lengkap' },
      as('pu'),
    );
    expect(received).toMatchObject({
      status: 'received',
      manifestHash: sent.manifestHash,
      resolvedBy: { agencyCode: 'DPUPR' },
    });
    // Both sides read the same receipt.
    expect(await client.request('tracking.handoffs.get', { id: sent.id }, as('fo'))).toEqual(received);

    const second = await client.request(
      'tracking.handoffs.send',
      { trackingNumber: d.trackingNumber, toAgencyId: agencies.DLH, note: 'Kajian lingkungan' },
      as('pu'),
    );
    await client.request('tracking.handoffs.receive', { id: second.id }, as('dlh'));
    const atDlh = await client.request(
      'tracking.dossiers.get',
      { trackingNumber: d.trackingNumber },
      as('dlh'),
    );
    expect(atDlh).toMatchObject({ status: 'open', holder: { code: 'DLH' }, inTransit: null });
    const held = await client.request('tracking.dossiers.inbox', { scope: 'held' }, as('dlh'));
    expect(held.items.map((i) => i.trackingNumber)).toContain(d.trackingNumber);

    const history = await client.request(
      'tracking.dossiers.history',
      { trackingNumber: d.trackingNumber },
      as('dlh'),
    );
    expect(history.entries.map((e) => e.type)).toEqual([
      'opened',
      'document-added',
      'handoff-sent',
      'handoff-received',
      'handoff-sent',
      'handoff-received',
    ]);
    expect(history.entries[3].actor).toMatchObject({ kind: 'staff', agencyCode: 'DPUPR' });
  });

  it('returns a refused dossier to its sender with the reason', async () => {
    const d = await open('Laporan ke Dinas Kesehatan');
    const sent = await client.request(
      'tracking.handoffs.send',
      { trackingNumber: d.trackingNumber, toAgencyId: agencies.DINKES },
      as('fo'),
    );
    expect(
      await fails(client.request('tracking.handoffs.refuse', { id: sent.id, reason: 'x' }, as('dinkes'))),
    ).toMatchObject({ status: 400 });
    const refused = await client.request(
      'tracking.handoffs.refuse',
      { id: sent.id, reason: 'Bukan kewenangan Dinas Kesehatan' },
      as('dinkes'),
    );
    expect(refused).toMatchObject({ status: 'refused', refusalReason: 'Bukan kewenangan Dinas Kesehatan' });
    expect(
      await client.request('tracking.dossiers.get', { trackingNumber: d.trackingNumber }, as('fo')),
    ).toMatchObject({ status: 'open', holder: { code: 'DPMPTSP' } });
    expect(
      await fails(client.request('tracking.handoffs.receive', { id: sent.id }, as('dinkes'))),
    ).toMatchObject({ status: 409 });
  });

  it('shows the public view with no personal data: only these fields', async () => {
    const d = await open('Permohonan PBG atas nama Siti Aminah, NIK 3271046504900003', 'service', 'DPMPTSP', {
      applicantId: (await client.request('identity.me.get', {}, as('citizen'))).principal.id,
      permitType: { code: 'PBG', name: { id: 'Persetujuan Bangunan Gedung', en: 'Building Approval' } },
      dueAt: '2026-12-31',
    });
    await client.request(
      'tracking.handoffs.send',
      {
        trackingNumber: d.trackingNumber,
        toAgencyId: agencies.DPUPR,
        note: 'Catatan internal: pemohon sulit dihubungi',
      },
      as('fo'),
    );
    const view = await client.request('tracking.dossiers.public-view', { trackingNumber: d.trackingNumber });
    expect(Object.keys(view).sort()).toEqual([
      'awaitingApplicant',
      'currentStages',
      'dueAt',
      'heldSince',
      'holder',
      'permitType',
      'status',
      'timeline',
      'trackingNumber',
    ]);
    expect(view).toMatchObject({
      status: 'in-transit',
      holder: { code: 'DPMPTSP', name: expect.any(String) },
      dueAt: '2026-12-31',
      permitType: { code: 'PBG' },
    });
    expect(view.timeline.map((t) => [t.event, t.agency?.code])).toEqual([
      ['opened', 'DPMPTSP'],
      ['handoff-sent', 'DPMPTSP'],
    ]);
    for (const t of view.timeline) expect(Object.keys(t).sort()).toEqual(['agency', 'at', 'event', 'label']);
    const text = JSON.stringify(view);
    for (const secret of ['Siti', '3271046504900003', 'Catatan internal', 'Jl.', d.id])
      expect(text).not.toContain(secret);
  });

  it('refuses to change history in the database, and its verification finds a row altered behind its back', async () => {
    const d = await open('Berkas audit');
    await client.request(
      'tracking.handoffs.send',
      { trackingNumber: d.trackingNumber, toAgencyId: agencies.DLH },
      as('fo'),
    );
    await expect(db.query(`UPDATE history SET data = '{}' WHERE dossier_id = $1`, [d.id])).rejects.toThrow(
      /append-only/,
    );
    await expect(db.query(`DELETE FROM history WHERE dossier_id = $1`, [d.id])).rejects.toThrow(
      /append-only/,
    );
    expect(
      await client.request('tracking.history.verify', { trackingNumber: d.trackingNumber }, as('fo')),
    ).toMatchObject({ intact: true, entries: 2, firstBroken: null });

    // Someone with superuser rights switches the guard off and edits the first entry.
    await db.transaction(async (m) => {
      await m.query('ALTER TABLE history DISABLE TRIGGER history_append_only');
      await m.query(
        `UPDATE history SET data = jsonb_set(data, '{title}', '"Berkas yang diubah"') WHERE dossier_id = $1 AND seq = 1`,
        [d.id],
      );
      await m.query('ALTER TABLE history ENABLE TRIGGER history_append_only');
    });
    expect(
      await client.request('tracking.history.verify', { trackingNumber: d.trackingNumber }, as('fo')),
    ).toMatchObject({
      intact: false,
      firstBroken: { seq: 1, reason: 'hash-mismatch' },
    });
  });
});
