#!/usr/bin/env node
// Public tracking lookup ("where is my file?") through the gateway, at 10,000 and at `total`
// dossiers (default 1,000,000), against a baseline measured in the same run: a bare Node HTTP server
// sending tracking's public-view statement straight to PostgreSQL. Load from autocannon at fixed concurrency,
// then at a steady half of the gateway's saturating rate for the latency target. Two gateways share the system:
// one as deployed (public-view cache on) and one with the cache off, which shows the cold path.
// Requests come from 5,000 client addresses (X-Forwarded-For behind one trusted proxy), each under
// the default per-client rate limit, as a city's phones would.
// Usage: npm run bench -- tracking-lookup [total dossiers] [seconds per measurement]
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { columnsOf, root, startBerkas, steadyLoad } from './lib.mjs';

const require = createRequire(import.meta.url);
const { generateTrackingNumber } = require(
  join(root, 'dist/services/tracking/libs/contracts/src/tracking-number.js'),
);
const { PUBLIC_VIEW_SQL } = require(
  join(root, 'dist/services/tracking/services/tracking/src/app/dossiers/public-view.sql.js'),
);
const demo = require(join(root, 'services/identity/src/app/demo/demo-data.json'));

const TOTAL = Number(process.argv[2] ?? 1_000_000);
const SECONDS = Number(process.argv[3] ?? 10);
const CONNECTIONS = 32;

const CLIENTS = 5000;
const clientOf = (k) => `10.${(k % CLIENTS) >> 8}.${(k % CLIENTS) & 255}.1`;

const system = await startBerkas({ gateway: { TRUST_PROXY_HOPS: '1', LOG_LEVEL: 'error' } });
const uncachedUrl = await system.extraGateway({ PUBLIC_VIEW_CACHE_SECONDS: '0' });
const pool = new pg.Pool({
  connectionString: `postgres://postgres@127.0.0.1:5432/${system.databases.tracking}`,
  max: 10,
});

try {
  // One real dossier, opened through the API, is the template every seeded one copies.
  const post = async (path, body, token) => {
    const res = await fetch(`${system.gatewayUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const fo = demo.staff.find((s) => s.roles.includes('front-office'));
  const { accessToken } = await post('/api/v1/auth/login', { username: fo.email, password: demo.password });
  const me = await (
    await fetch(`${system.gatewayUrl}/api/v1/me`, { headers: { authorization: `Bearer ${accessToken}` } })
  ).json();
  const template = await post(
    '/api/v1/dossiers',
    { title: 'Surat permohonan rekomendasi', kind: 'letter', originAgencyId: me.principal.agencyId },
    accessToken,
  );

  const dossierCols = await columnsOf(pool, 'dossiers', ['id', 'tracking_number']);
  const historyCols = await columnsOf(pool, 'history', ['dossier_id']);
  let count = Number((await pool.query('SELECT count(*) FROM dossiers')).rows[0].count);
  const grow = async (target) => {
    const started = performance.now();
    while (count < target) {
      const batch = new Set();
      while (batch.size < Math.min(50_000, target - count))
        batch.add(generateTrackingNumber('3271', 2026).formatted);
      const numbers = [...batch];
      const inserted = await pool.query(
        `INSERT INTO dossiers (tracking_number, ${dossierCols.join(', ')})
         SELECT t, ${dossierCols.map((c) => `tpl.${c}`).join(', ')}
         FROM unnest($1::text[]) t, (SELECT * FROM dossiers WHERE tracking_number = $2) tpl
         ON CONFLICT (tracking_number) DO NOTHING RETURNING id`,
        [numbers, template.trackingNumber],
      );
      // Each seeded dossier gets the template's history (its "opened" milestone).
      await pool.query(
        `INSERT INTO history (dossier_id, ${historyCols.join(', ')})
         SELECT d.id, ${historyCols.map((c) => `h.${c}`).join(', ')}
         FROM unnest($1::uuid[]) d(id), history h
         WHERE h.dossier_id = (SELECT id FROM dossiers WHERE tracking_number = $2)`,
        [inserted.rows.map((r) => r.id), template.trackingNumber],
      );
      count += inserted.rowCount;
    }
    for (const table of ['dossiers', 'history']) await pool.query(`VACUUM ANALYZE ${table}`);
    return (performance.now() - started) / 1000;
  };

  // The baseline: the same lookup as tracking's public view, straight on PostgreSQL.
  // The baseline: the statement tracking's public view sends, straight on PostgreSQL from a bare
  // Node HTTP server.
  const baseline = createServer(async (req, res) => {
    try {
      const { rows } = await pool.query(PUBLIC_VIEW_SQL, [decodeURIComponent(req.url.split('/').pop())]);
      if (!rows.length) return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rows[0]));
    } catch {
      res.destroy(); // the run is over and the pool closed under a late request
    }
  });
  await new Promise((r) => baseline.listen(0, '127.0.0.1', r));
  const baselineUrl = `http://127.0.0.1:${baseline.address().port}`;

  const sample = async () =>
    (await pool.query('SELECT tracking_number FROM dossiers ORDER BY random() LIMIT 2000')).rows.map(
      (r) => r.tracking_number,
    );
  const load = (url, path, numbers, extra = {}) =>
    new Promise((resolve, reject) => {
      let i = 0;
      autocannon(
        {
          url,
          connections: CONNECTIONS,
          duration: SECONDS,
          requests: [
            {
              setupRequest: (r) => {
                i++;
                const client = `10.${(i % CLIENTS) >> 8}.${(i % CLIENTS) & 255}.1`;
                const headers = { ...r.headers, 'x-forwarded-for': client };
                return { ...r, headers, path: `${path}${numbers[i % numbers.length]}` };
              },
            },
          ],
          ...extra,
        },
        (err, result) => (err ? reject(err) : resolve(result)),
      );
    });
  const measure = async (label, url, path, numbers, extra) => {
    await load(url, path, numbers, { duration: 5, ...extra }); // warm-up: JIT, caches, pools
    const r = await load(url, path, numbers, extra);
    if (r.non2xx) throw new Error(`${label}: ${r.non2xx} answers were not 2xx`);
    return { label, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 };
  };

  const rows = [];
  const measureAt = async (size) => {
    const seeded = await grow(size);
    const numbers = await sample();
    const at = `${size.toLocaleString('en')} dossiers`;
    const lookups = async (label, url) => {
      const full = await measure(`${label}, ${at}`, url, '/api/v1/track/', numbers);
      const rate = Math.round(full.rps / 2);
      const half = await steadyLoad({
        url,
        rate,
        seconds: SECONDS,
        pathOf: (k) => `/api/v1/track/${numbers[k % numbers.length]}`,
        headersOf: (k) => ({ 'x-forwarded-for': clientOf(k) }),
      });
      if (half.errors) throw new Error(`${label}: ${half.errors} answers were not 2xx`);
      return { full, half: { label: `${label} at half its rate (${rate}/s, steady), ${at}`, ...half } };
    };
    const gateway = await lookups('gateway', system.gatewayUrl);
    const uncached = await lookups('gateway, cache off', uncachedUrl);
    const base = await measure(`baseline, ${at}`, baselineUrl, '/track/', numbers);
    rows.push(gateway.full, gateway.half, uncached.full, uncached.half, base);
    process.stdout.write(`seeded to ${size} in ${seeded.toFixed(0)} s: ${JSON.stringify(rows.slice(-5))}\n`);
    return { gateway, uncached, base };
  };
  const small = await measureAt(10_000);
  const large = await measureAt(TOTAL);

  const ratio = (a, b) => (a / b).toFixed(2);
  process.stdout.write(
    `\n| measurement | requests/s | p50 ms | p99 ms | sent late, p99 ms |\n| --- | ---: | ---: | ---: | ---: |\n${rows
      .map((r) => `| ${r.label} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${r.sentLateP99 ?? ''} |`)
      .join('\n')}\n\n` +
      `throughput / baseline at 10,000 and ${TOTAL.toLocaleString('en')}: ` +
      `gateway ${ratio(small.gateway.full.rps, small.base.rps)}, ${ratio(large.gateway.full.rps, large.base.rps)}; ` +
      `cache off ${ratio(small.uncached.full.rps, small.base.rps)}, ${ratio(large.uncached.full.rps, large.base.rps)}\n` +
      `p50 at ${TOTAL.toLocaleString('en')} / at 10,000: gateway ${ratio(large.gateway.full.p50, small.gateway.full.p50)}, ` +
      `cache off ${ratio(large.uncached.full.p50, small.uncached.full.p50)}\n`,
  );
  baseline.closeAllConnections();
  baseline.close();
} finally {
  await pool.end();
  await system.stop();
}
