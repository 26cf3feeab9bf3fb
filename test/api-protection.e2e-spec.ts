import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { AckPolicy, connect } from 'nats';
import { EVENTS, SIGNALS } from '@berkas/contracts';
import request from 'supertest';
import { natsConnectAs, waitFor } from '@berkas/testing';
import { bearer, demo, officer, PDF, people, PNG, type Api } from './support/api';
import { countRows, queryDatabase } from './support/db';
import { startSystem, type RunningSystem } from './support/system';

const PORTAL = 'https://portal.kotabogor.example';

/** Row counts of the tables a request could write to, in every service's database. */
async function census(system: RunningSystem): Promise<Record<string, number>> {
  const tables = {
    identity: ['applicants', 'companies', 'login_names', 'credentials', 'refresh_tokens'],
    tracking: ['dossiers', 'history', 'documents', 'handoffs'],
    permits: ['applications', 'application_history', 'tasks'],
  } as const;
  const counts: Record<string, number> = {};
  for (const [service, names] of Object.entries(tables))
    Object.assign(counts, await countRows(system.databases[service as keyof typeof tables], names, service));
  return counts;
}

describe('the gateway describes and protects itself', () => {
  let system: RunningSystem;
  let api: Api;
  let the: ReturnType<typeof people>;

  beforeAll(async () => {
    system = await startSystem({
      env: {
        gateway: {
          RATE_LIMIT_LOOKUPS: '5',
          RATE_LIMIT_SIGN_INS: '5',
          TRUST_PROXY_HOPS: '1', // clients are told apart by X-Forwarded-For, as behind an ingress
          CORS_ORIGINS: PORTAL,
          NATS_REQUEST_TIMEOUT_MS: '1500',
        },
        web: { TRUST_PROXY_HOPS: '1' },
      },
    });
    api = request(system.gatewayUrl);
    the = people(api);
  });
  afterAll(() => system?.stop());

  it('documents every route in an OpenAPI 3.1 document that passes the Redocly linter', async () => {
    const document = (await api.get('/docs/openapi.json').expect(200)).body;
    expect(document.openapi).toBe('3.1.0');
    const linted = await promisify(execFile)(process.execPath, [
      join(__dirname, 'support/lint-openapi.mjs'),
      `${system.gatewayUrl}/docs/openapi.json`,
    ]);
    const problems = JSON.parse(linted.stdout) as Array<{ severity: string; rule: string; message: string }>;
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(problems.map((p) => `${p.rule}: ${p.message}`)).toEqual([]); // no warnings either

    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(
        item as Record<string, { summary?: string; security?: unknown[]; responses: object }>,
      ).map(([verb, op]) => ({ route: `${verb.toUpperCase()} ${path}`, ...op })),
    );
    expect(operations.length).toBeGreaterThan(50);
    for (const op of operations) {
      expect([op.route, typeof op.summary]).toEqual([op.route, 'string']);
      expect([op.route, Object.keys(op.responses)]).toEqual([
        op.route,
        expect.arrayContaining(['400', '503']),
      ]);
    }
    const find = (route: string) => operations.find((o) => o.route === route)!;
    expect(find('GET /api/v1/track/{trackingNumber}')).toMatchObject({ security: [] });
    expect(Object.keys(find('GET /api/v1/track/{trackingNumber}').responses)).toContain('429');
    expect(find('POST /api/v1/tasks/{id}/actions')).toMatchObject({ security: [{ bearer: [] }] });
    expect(document.components.schemas.ActOnTaskBody.properties.action).toEqual({
      $ref: '#/components/schemas/ActionName',
    });
    expect(document.components.schemas.ActionName.pattern).toBeDefined();
    expect((await api.get('/docs').expect(200)).text).toContain('swagger');
  });

  it('sends security headers, and CORS answers only the configured origins', async () => {
    const page = await request(system.webUrl).get('/lacak').expect(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(page.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-powered-by']).toBeUndefined();

    const allowed = await api
      .options('/api/v1/track/x')
      .set('origin', PORTAL)
      .set('access-control-request-method', 'GET');
    expect(allowed.headers['access-control-allow-origin']).toBe(PORTAL);
    const other = await api
      .options('/api/v1/track/x')
      .set('origin', 'https://evil.example')
      .set('access-control-request-method', 'GET');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers hostile and malformed input with the right 4xx problem, and writes nothing', async () => {
    const siti = await the.signIn(demo.person.email);
    const rudi = await the.signIn(demo.company.members[0].email);
    const draft = (
      await api
        .post('/api/v1/applications')
        .set(bearer(siti))
        .send({ permitType: 'SIP', regionCode: '3271' })
        .expect(201)
    ).body;
    const before = await census(system);

    const json = (path: string, token: string, body: string) =>
      api.post(path).set(bearer(token)).set('content-type', 'application/json').send(body);
    // Each case is sent once, in order, when the loop below reaches it.
    const cases: Array<[string, () => request.Test, number, string]> = [
      [
        'malformed JSON',
        () => json('/api/v1/applications', siti, '{"permitType": "SIP",'),
        400,
        'MALFORMED_JSON',
      ],
      [
        'wrong types',
        () => api.post('/api/v1/applications').set(bearer(siti)).send({ permitType: 5, regionCode: true }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'unknown field',
        () =>
          api
            .post('/api/v1/applications')
            .set(bearer(siti))
            .send({ permitType: 'SIP', regionCode: '3271', status: 'issued' }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'huge body',
        () =>
          api
            .post('/api/v1/applications')
            .set(bearer(siti))
            .send({ permitType: 'SIP', regionCode: '3271', form: { x: 'a'.repeat(400_000) } }),
        413,
        'BODY_TOO_LARGE',
      ],
      [
        'wrong content type',
        () =>
          api
            .post('/api/v1/applications')
            .set(bearer(siti))
            .set('content-type', 'text/plain')
            .send('permitType=SIP'),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      [
        'SQL injection in a field',
        () =>
          api
            .post('/api/v1/applications')
            .set(bearer(siti))
            .send({ permitType: "SIP'; DROP TABLE applications; --", regionCode: '3271' }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'SQL injection as a tracking number',
        () =>
          api
            .get(`/api/v1/track/${encodeURIComponent("' OR 1=1 --")}`)
            .set('x-forwarded-for', '198.51.100.1'),
        400,
        'INVALID_TRACKING_NUMBER',
      ],
      [
        'SQL injection as a user name',
        () =>
          api
            .post('/api/v1/auth/login')
            .set('x-forwarded-for', '198.51.100.2')
            .send({ username: "admin' OR '1'='1", password: 'x' }),
        401,
        'INVALID_CREDENTIALS',
      ],
      [
        'forged token',
        () =>
          api
            .post('/api/v1/applications')
            .set(
              'authorization',
              `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x"}').toString('base64url')}.`,
            )
            .send({ permitType: 'SIP', regionCode: '3271' }),
        401,
        'UNAUTHENTICATED',
      ],
      [
        "an upload over its kind's size limit",
        () =>
          api
            .post(`/api/v1/applications/${draft.id}/documents`)
            .set(bearer(siti))
            .field('kind', 'identity-card')
            .attach('file', Buffer.concat([PNG, Buffer.alloc(6 * 1024 * 1024)]), 'ktp.png'),
        413,
        'DOCUMENT_TOO_LARGE',
      ],
      [
        'an upload that is not what it claims',
        () =>
          api
            .post(`/api/v1/applications/${draft.id}/documents`)
            .set(bearer(siti))
            .field('kind', 'identity-card')
            .attach('file', Buffer.from('MZ this is a program, not a scan'), 'ktp.png'),
        415,
        'UNSUPPORTED_DOCUMENT_TYPE',
      ],
      [
        'not an id',
        () => api.get('/api/v1/applications/1%20OR%201=1').set(bearer(siti)),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'unknown query parameter',
        () => api.get('/api/v1/applications?sort=password').set(bearer(siti)),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'wrong query type',
        () => api.get('/api/v1/applications?limit=lots').set(bearer(siti)),
        400,
        'VALIDATION_FAILED',
      ],
      [
        "another's application",
        () => api.get(`/api/v1/applications/${draft.id}`).set(bearer(rudi)),
        404,
        'NOT_FOUND',
      ],
      [
        "changing another's application",
        () =>
          api
            .patch(`/api/v1/applications/${draft.id}`)
            .set(bearer(rudi))
            .send({ form: { profession: 'dokter' } }),
        404,
        'NOT_FOUND',
      ],
      [
        "withdrawing another's application",
        () => api.post(`/api/v1/applications/${draft.id}/withdraw`).set(bearer(rudi)),
        404,
        'NOT_FOUND',
      ],
    ];
    const answers: Record<string, request.Response> = {};
    for (const [what, send, status, code] of cases) {
      const res = (answers[what] = await send());
      expect([what, res.status, res.body.code]).toEqual([what, status, code]);
      expect([what, res.headers['content-type']]).toEqual([
        what,
        expect.stringMatching(/^application\/problem\+json/),
      ]);
      expect(res.body).toMatchObject({
        type: expect.any(String),
        title: expect.any(String),
        detail: expect.any(String),
      });
    }
    const fieldProblem = answers['wrong types'].body;
    expect(fieldProblem.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      '/permitType',
      '/regionCode',
    ]);

    // A script in the tracking page's input comes back as text, never as markup.
    const page = await request(system.webUrl)
      .get('/lacak?nomor=%3Cscript%3Ealert(1)%3C%2Fscript%3E')
      .set('x-forwarded-for', '198.51.100.3');
    expect(page.status).toBe(400);
    expect(page.text).not.toContain('<script>alert(1)');
    expect(page.text).toContain('&lt;script&gt;alert(1)');

    expect(await census(system)).toEqual(before);
    expect(
      (await api.get(`/api/v1/applications/${draft.id}`).set(bearer(siti)).expect(200)).body,
    ).toMatchObject({
      status: 'draft',
      form: {},
    });
  });

  /**
   * The limits count in windows aligned to the clock's minutes: a burst begun in a window's last
   * seconds would be split over two and never reach the limit, so it waits for a fresh one.
   */
  const burstWindow = async (seconds = 10) => {
    const left = 60_000 - (Date.now() % 60_000);
    if (left < seconds * 1000) await new Promise((r) => setTimeout(r, left + 50));
  };

  it('limits public lookups and sign-ins per client, answering 429 with Retry-After', async () => {
    const client = { 'x-forwarded-for': '203.0.113.7' };
    await burstWindow();
    for (let i = 0; i < 5; i++) await api.get('/api/v1/track/3271-26-7K4Q-X9M2-H').set(client).expect(400);
    const limited = await api.get('/api/v1/track/3271-26-7K4Q-X9M2-H').set(client).expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    // The page asks the same API for the same client, so it draws on the same allowance, and says
    // it in the reader's language.
    const page = await request(system.webUrl)
      .get('/lacak?nomor=3271-26-7K4Q-X9M2-H&lang=en')
      .set(client)
      .expect(429);
    expect(page.text).toContain('Too many requests');
    expect(Number(page.headers['retry-after'])).toBeGreaterThan(0);
    // Another client is not affected.
    await api.get('/api/v1/track/3271-26-7K4Q-X9M2-H').set('x-forwarded-for', '203.0.113.8').expect(400);

    const guesser = { 'x-forwarded-for': '203.0.113.9' };
    await burstWindow();
    for (let i = 0; i < 5; i++)
      await api
        .post('/api/v1/auth/login')
        .set(guesser)
        .send({ username: `guess${i}@warga.example.id`, password: 'tebak-tebakan' })
        .expect(401);
    const stopped = await api
      .post('/api/v1/auth/login')
      .set(guesser)
      .send({ username: demo.person.email, password: demo.password });
    expect(stopped.status).toBe(429);
    expect(Number(stopped.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('applies a retried create, submit or action once when it carries the same Idempotency-Key', async () => {
    const rudi = await the.signIn(demo.company.members[0].email);
    const fo = await the.signIn(officer('DPMPTSP', 'front-office'));
    const create = (key: string, location: string) =>
      api
        .post('/api/v1/applications')
        .set(bearer(rudi))
        .set('idempotency-key', key)
        .send({ permitType: 'REKLAME', regionCode: '3271', form: { location } });
    const before = await census(system);
    // Two copies at once (a client retrying a slow request) and one later: one application.
    const [a, b] = await Promise.all([
      create('reklame-2026-0001', 'Jl. Juanda 1'),
      create('reklame-2026-0001', 'Jl. Juanda 1'),
    ]);
    const c = await create('reklame-2026-0001', 'Jl. Juanda 1');
    expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
    expect(new Set([a.body.id, b.body.id, c.body.id]).size).toBe(1);
    const after = await census(system);
    expect(after['permits.applications']).toBe(before['permits.applications'] + 1);
    expect(after['tracking.dossiers']).toBe(before['tracking.dossiers'] + 1);
    // The same key for another request is a mistake the client must hear about.
    expect((await create('reklame-2026-0001', 'Jl. Lain 2').expect(422)).body.code).toBe(
      'IDEMPOTENCY_KEY_REUSED',
    );
    await create('no', 'Jl. Juanda 1').expect(400);

    // A submitted file's action, retried: one transition.
    const app = a.body.id as string;
    for (const [kind, bytes, name] of [
      ['identity-card', PNG, 'ktp.png'],
      ['photo', PNG, 'foto.png'],
      ['site-plan', PDF, 'denah.pdf'],
    ] as const)
      await the.upload(rudi, app, kind, bytes, name).expect(201);
    await api
      .patch(`/api/v1/applications/${app}`)
      .set(bearer(rudi))
      .send({
        form: {
          location: 'Jl. Juanda 1',
          siteArea: '32.71.01.1001',
          boardArea: 4,
          months: 6,
          content: 'Kopi',
        },
      })
      .expect(200);
    const submit = () =>
      api
        .post(`/api/v1/applications/${app}/submit`)
        .set(bearer(rudi))
        .set('idempotency-key', `submit-${app}`);
    const submitted = (await submit().expect(200)).body;
    expect((await submit().expect(200)).body).toEqual(submitted); // not "already submitted"
    const task = await waitFor(() => the.taskOf(fo, app), 20000);
    const act = () =>
      api
        .post(`/api/v1/tasks/${task.id}/actions`)
        .set(bearer(fo))
        .set('idempotency-key', `act-${task.id}`)
        .send({ action: 'complete' });
    const [first, second] = await Promise.all([act(), act()]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.body).toEqual(first.body);
    const rows = await queryDatabase<{ type: string; n: number }>(
      system.databases.permits,
      `SELECT type, count(*)::int AS n FROM application_history WHERE application_id = $1 GROUP BY type ORDER BY type`,
      [app],
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        { type: 'submitted', n: 1 },
        { type: 'action', n: 1 },
        { type: 'created', n: 1 },
      ]),
    );
    expect(rows.every((r) => r.n === 1 || r.type === 'form-updated')).toBe(true);
  });

  it('describes every event and signal in an AsyncAPI 3 document, and the events on the bus match it', async () => {
    const document = (await api.get('/docs/asyncapi.json').expect(200)).body;
    const { document: parsed, diagnostics } = await new Parser().parse(document);
    expect(diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error)).toEqual([]);
    expect(parsed?.version()).toBe('3.0.0');
    const addresses = parsed!
      .channels()
      .all()
      .map((c) => c.address());
    expect(addresses.sort()).toEqual([...Object.keys(EVENTS), ...Object.keys(SIGNALS)].sort());

    // Every event this test run produced, read as another agency would (the read-only auditor user),
    // matches the payload the document gives its channel.
    const nc = await connect({
      servers: system.natsUrl,
      ...natsConnectAs(system.natsCredentials, 'auditor'),
    });
    const name = `asyncapi-${randomUUID().slice(0, 8)}`;
    await (await nc.jetstreamManager()).consumers.add('BERKAS_EVENTS', { name, ack_policy: AckPolicy.None });
    const consumer = await nc.jetstream().consumers.get('BERKAS_EVENTS', name);
    const events = await consumer.fetch({ max_messages: 1000, expires: 2000 });
    const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
    const seen = new Map<string, number>();
    const mismatches: string[] = [];
    for await (const m of events) {
      const message = document.components.messages[m.subject];
      const check = ajv.compile({ ...message.payload, components: document.components });
      if (!check(m.json())) mismatches.push(`${m.subject}: ${ajv.errorsText(check.errors)}`);
      seen.set(m.subject, (seen.get(m.subject) ?? 0) + 1);
      if (m.info.pending === 0) break;
    }
    await nc.close();
    expect(mismatches).toEqual([]);
    // The idempotency test above walked an application: the events of both services are among them.
    expect([...seen.keys()]).toEqual(
      expect.arrayContaining([
        'evt.identity.agency-changed',
        'evt.permits.application-changed',
        'evt.tracking.dossier-opened',
      ]),
    );
  });

  it('never writes passwords or tokens to any service log', async () => {
    const client = { 'x-forwarded-for': '192.0.2.50' }; // its own sign-in allowance
    const pair = (
      await api
        .post('/api/v1/auth/login')
        .set(client)
        .send({ username: demo.person.email, password: demo.password })
        .expect(200)
    ).body;
    const rotated = (
      await api.post('/api/v1/auth/refresh').set(client).send({ refreshToken: pair.refreshToken }).expect(200)
    ).body;
    await api.get('/api/v1/me').set(bearer(rotated.accessToken)).expect(200);
    await api
      .post('/api/v1/auth/login')
      .send({ username: demo.person.email, password: 'salah-sandi-rahasia' })
      .expect(401);
    const secrets = [
      demo.password,
      'salah-sandi-rahasia',
      pair.accessToken,
      pair.refreshToken,
      rotated.accessToken,
      rotated.refreshToken,
    ];
    // Log lines reach the test through pipes; give the last ones a moment.
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const [service, lines] of Object.entries(system.logs)) {
      expect(lines.length).toBeGreaterThan(10); // the services did log (debug level in tests)
      const leaks = lines.filter(
        (line) => secrets.some((secret) => line.includes(secret)) || /"authorization":"Bearer/i.test(line),
      );
      expect([service, leaks]).toEqual([service, []]);
    }
  });

  it('answers 503 with a problem document, never hangs, when a service stalls or is down', async () => {
    const permits = system.processes.permits;
    permits.kill('SIGSTOP'); // alive but not answering: the request times out
    try {
      const started = Date.now();
      const stalled = await api.get('/api/v1/permit-types').expect(503);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(stalled.body).toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        detail: expect.stringMatching(/in time/),
      });
      expect(Number(stalled.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      permits.kill('SIGCONT');
    }
    await api.get('/api/v1/permit-types').expect(200);

    permits.kill('SIGKILL');
    await new Promise((resolve) => permits.once('exit', resolve));
    // NATS drops the dead connection's interest a moment after the process is gone; until then a
    // request still waits for its answer. Either way it is a 503, then "not running" without waiting.
    const answers: string[] = [];
    const down = await waitFor(async () => {
      const res = await api.get('/api/v1/permit-types');
      answers.push(`${res.status} ${res.body.code}`);
      return /not running/.test(res.body.detail) ? res : null;
    }, 10000);
    expect(new Set(answers)).toEqual(new Set(['503 SERVICE_UNAVAILABLE']));
    expect(Number(down.headers['retry-after'])).toBeGreaterThan(0);
    // Which service it was is the operator's to read, in the gateway's log.
    expect(system.logs.gateway.some((l) => l.includes('"subject":"permits.permit-types.list"'))).toBe(true);
    const health = await api.get('/health').expect(503);
    expect(health.body).toMatchObject({ status: 'degraded', services: { permits: { status: 'down' } } });
  });
});
