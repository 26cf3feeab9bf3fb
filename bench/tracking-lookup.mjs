#!/usr/bin/env node
// Public tracking lookup ("where is my file?") through the gateway, at 10,000 and at `total`
// dossiers (default 1,000,000), against a baseline measured in the same run: a bare Node HTTP server
// doing the same indexed queries straight on PostgreSQL. Load from autocannon at fixed concurrency,
// then at half the gateway's saturating rate for the latency target.
// Usage: npm run bench -- tracking-lookup [total dossiers] [seconds per measurement]
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { root, startBerkas } from './lib.mjs';

const require = createRequire(import.meta.url);
const { generateTrackingNumber } = require(
  join(root, 'dist/services/tracking/services/tracking/src/domain/tracking-number.js'),
);
const demo = require(join(root, 'services/identity/src/app/demo/demo-data.json'));

const TOTAL = Number(process.argv[2] ?? 1_000_000);
const SECONDS = Number(process.argv[3] ?? 10);
const CONNECTIONS = 32;

const system = await startBerkas({ gateway: { RATE_LIMIT_LOOKUPS: '100000000', LOG_LEVEL: 'error' } });
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

  const columns = async (table, except) =>
    (
      await pool.query(
        `SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`,
        [table],
      )
    ).rows
      .map((r) => r.column_name)
      .filter((c) => !except.includes(c));
  const dossierCols = await columns('dossiers', ['id', 'tracking_number']);
  const historyCols = await columns('history', ['dossier_id']);
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
    await pool.query('ANALYZE dossiers; ANALYZE history');
    return (performance.now() - started) / 1000;
  };

  // The baseline: the same lookup as tracking's public view, straight on PostgreSQL.
  const baseline = createServer(async (req, res) => {
    const tn = decodeURIComponent(req.url.split('/').pop());
    const { rows } = await pool.query(
      `SELECT id, tracking_number, status, permit_type, holder, held_since, due_at, progress
       FROM dossiers WHERE tracking_number = $1`,
      [tn],
    );
    if (!rows.length) {
      res.writeHead(404).end();
      return;
    }
    const timeline = await pool.query(
      `SELECT type, occurred_at, public_label, public_agency FROM history
       WHERE dossier_id = $1 AND public_label IS NOT NULL ORDER BY seq`,
      [rows[0].id],
    );
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ ...rows[0], timeline: timeline.rows }));
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
          requests: [{ setupRequest: (r) => ({ ...r, path: `${path}${numbers[i++ % numbers.length]}` }) }],
          ...extra,
        },
        (err, result) => (err ? reject(err) : resolve(result)),
      );
    });
  const measure = async (label, url, path, numbers, extra) => {
    await load(url, path, numbers, { duration: 2, ...extra }); // warm-up
    const r = await load(url, path, numbers, extra);
    if (r.non2xx) throw new Error(`${label}: ${r.non2xx} answers were not 2xx`);
    return { label, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 };
  };

  const rows = [];
  const measureAt = async (size) => {
    const seeded = await grow(size);
    const numbers = await sample();
    const gateway = await measure(
      `gateway, ${size.toLocaleString('en')} dossiers`,
      system.gatewayUrl,
      '/api/v1/track/',
      numbers,
    );
    const base = await measure(
      `baseline, ${size.toLocaleString('en')} dossiers`,
      baselineUrl,
      '/track/',
      numbers,
    );
    const half = await measure(
      `gateway at half its rate (${Math.round(gateway.rps / 2)}/s), ${size.toLocaleString('en')} dossiers`,
      system.gatewayUrl,
      '/api/v1/track/',
      numbers,
      { overallRate: Math.round(gateway.rps / 2) },
    );
    rows.push(gateway, base, half);
    process.stdout.write(
      `seeded to ${size} in ${seeded.toFixed(0)} s: ${JSON.stringify([gateway, base, half])}\n`,
    );
    return { gateway, base, half };
  };
  const small = await measureAt(10_000);
  const large = await measureAt(TOTAL);

  process.stdout.write(
    `\n| measurement | requests/s | p50 ms | p99 ms |\n| --- | ---: | ---: | ---: |\n${rows
      .map((r) => `| ${r.label} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} |`)
      .join('\n')}\n\n` +
      `gateway / baseline throughput: ${(small.gateway.rps / small.base.rps).toFixed(2)} at 10,000, ` +
      `${(large.gateway.rps / large.base.rps).toFixed(2)} at ${TOTAL.toLocaleString('en')}\n` +
      `gateway p50 at ${TOTAL.toLocaleString('en')} / at 10,000: ${(large.gateway.p50 / small.gateway.p50).toFixed(2)}\n`,
  );
  baseline.close();
} finally {
  await pool.end();
  await system.stop();
}
