// Helpers for benchmarks: a whole Berkas on private ports, process memory sampling, medians.
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
export const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const launcher = require('../scripts/lib/services.cjs');
const natsAuth = require('../scripts/lib/nats-auth.cjs');

const handedOut = new Set();
/** A free port not handed out before by this process (the OS may offer a released one again). */
export async function freePort() {
  for (;;) {
    const port = await new Promise((resolve) => {
      const srv = createServer();
      srv.listen(0, '127.0.0.1', () => {
        const { port: p } = srv.address();
        srv.close(() => resolve(p));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

/** Resident set size of a process, in bytes, from /proc. */
export function rssOf(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return line ? Number(line[1]) * 1024 : 0;
}

/** Samples the RSS of `pids` every `ms` until stop() is called; answers the peak per pid. */
export function sampleMemory(pids, ms = 20) {
  const peak = Object.fromEntries(pids.map((p) => [p, rssOf(p)]));
  const timer = setInterval(() => {
    for (const p of pids) peak[p] = Math.max(peak[p], rssOf(p));
  }, ms);
  return { stop: () => (clearInterval(timer), peak) };
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const mb = (bytes) => (bytes / 1048576).toFixed(1);

/**
 * `BENCH_CPU_PROFILE=gateway,tracking` writes a V8 CPU profile of those services to
 * bench/profiles/ when the benchmark stops them (open in Chrome DevTools or speedscope).
 */
const profiling = (name) =>
  (process.env.BENCH_CPU_PROFILE ?? '').split(',').includes(name)
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=${join(root, 'bench/profiles')}`,
        `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`,
      ]
    : [];

/**
 * Starts nats-server, s3rver and the four built services on free ports with fresh databases;
 * `extraEnv` adds settings per service (e.g. `{ gateway: { RATE_LIMIT_LOOKUPS: '1000000' } }`),
 * `nodeArgs` node options per service (e.g. `{ gateway: ['--cpu-prof'] }`).
 */
export async function startBerkas(extraEnv = {}, nodeArgs = {}) {
  const run = `bench_${Date.now().toString(36)}`;
  const natsPort = await freePort();
  const s3Port = await freePort();
  const natsDir = mkdtempSync(join(tmpdir(), 'bench-nats-'));
  const s3Dir = mkdtempSync(join(tmpdir(), 'bench-s3-'));
  // NATS as in production: each service its own user with the permissions proto/ gives it.
  const passwords = Object.fromEntries(natsAuth.USERS.map((u) => [u, randomBytes(18).toString('base64url')]));
  const natsConfig = join(natsDir, 'berkas-nats.conf');
  writeFileSync(
    natsConfig,
    natsAuth.authorizationBlock((u) => JSON.stringify(passwords[u])),
  );
  const infra = [
    spawn(
      '/usr/sbin/nats-server',
      ['-a', '127.0.0.1', '-p', String(natsPort), '-js', '-sd', natsDir, '-c', natsConfig],
      { stdio: 'ignore' },
    ),
    spawn(
      process.execPath,
      [
        join(root, 'node_modules/s3rver/bin/s3rver.js'),
        '-d',
        s3Dir,
        '-a',
        '127.0.0.1',
        '-p',
        String(s3Port),
        '--silent',
      ],
      {
        stdio: 'ignore',
      },
    ),
  ];
  await new Promise((r) => setTimeout(r, 1000));
  const shared = {
    NATS_URL: `nats://127.0.0.1:${natsPort}`,
    S3_PORT: String(s3Port),
    LOG_LEVEL: 'warn',
    DEMO_DATA: 'true',
  };
  const ports = {};
  const processes = {};
  const envs = {};
  const recent = []; // last lines of the services' output, shown if start-up fails
  const remember = (name, line) => {
    recent.push(`${name}: ${line}`);
    if (recent.length > 40) recent.shift();
  };
  for (const name of launcher.SERVICES) {
    ports[name] = await freePort();
    const env = {
      ...shared,
      // The pages are no NATS user: they reach everything through the gateway's API.
      ...(name === 'web' ? {} : { NATS_USER: name, NATS_PASSWORD: passwords[name] }),
      ...(name === 'web'
        ? {
            PORT: String(ports.web),
            INTERNAL_PORT: String((ports.webInternal = await freePort())),
            API_URL: `http://127.0.0.1:${ports.gateway}`,
            DATABASE_NAME: `berkas_${run}_web`,
          }
        : name === 'gateway'
          ? {
              PORT: String(ports[name]),
              INTERNAL_PORT: String(await freePort()),
              // Benchmarks drive sessions far past a person's pace; the lookup one sets its own limits.
              RATE_LIMIT_REQUESTS: '100000000',
            }
          : { HTTP_PORT: String(ports[name]), DATABASE_NAME: `berkas_${run}_${name}` }),
      ...(extraEnv[name] ?? {}),
    };
    envs[name] = env;
    processes[name] = launcher.spawnService(name, env, remember, [
      ...profiling(name),
      ...(nodeArgs[name] ?? []),
    ]);
  }
  const gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
  await launcher.waitForHealthy(`http://127.0.0.1:${ports.webInternal}/health/ready`, 120000).catch((e) => {
    process.stderr.write(`${recent.join('\n')}\n`);
    throw e;
  });
  await launcher.waitForHealthy(`${gatewayUrl}/health`, 120000).catch((e) => {
    process.stderr.write(`${recent.join('\n')}\n`);
    throw e;
  });
  const extras = [];
  /** One more gateway on the same system with settings changed (e.g. a cache turned off); answers its URL. */
  const extraGateway = async (overrides) => {
    const port = await freePort();
    extras.push(
      launcher.spawnService(
        'gateway',
        { ...envs.gateway, ...overrides, PORT: String(port), INTERNAL_PORT: String(await freePort()) },
        remember,
      ),
    );
    const url = `http://127.0.0.1:${port}`;
    await launcher.waitForHealthy(`${url}/health`, 60000);
    return url;
  };
  return {
    gatewayUrl,
    /** The pages (web), calling the gateway above. */
    webUrl: `http://127.0.0.1:${ports.web}`,
    extraGateway,
    natsUrl: shared.NATS_URL,
    /** nats.js connection options of a NATS user: a service's (`gateway` to make requests) or `auditor`. */
    natsAs: (user) => ({ user, pass: passwords[user], inboxPrefix: `_INBOX_${user}` }),
    s3Port,
    databases: Object.fromEntries(
      ['identity', 'tracking', 'permits', 'notifications'].map((n) => [n, `berkas_${run}_${n}`]),
    ),
    processes,
    stop: async () => {
      await launcher.stopAll([...extras, ...Object.values(processes)]);
      for (const p of infra) p.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      rmSync(natsDir, { recursive: true, force: true });
      rmSync(s3Dir, { recursive: true, force: true });
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
      await client.connect();
      for (const name of ['identity', 'tracking', 'permits', 'notifications', 'web'])
        await client.query(`DROP DATABASE IF EXISTS "berkas_${run}_${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * Open-loop load at a fixed rate: request k is due at start + k / rate, whether or not earlier ones
 * have answered, and its latency counts from when it was due (so a stall is not hidden by the
 * generator waiting, "coordinated omission"). autocannon's fixed-rate mode fires each second's
 * budget in one burst at the top of the second, which measures bursts, not a steady load.
 * `pathOf(k)` and `headersOf(k)` give request k's path and headers. Answers rps, p50/p99 (ms), errors,
 * and the p99 of how late the generator itself sent requests (its own stalls, included in p99).
 */
export async function steadyLoad({ url, rate, seconds, pathOf, headersOf = () => ({}), sockets = 64 }) {
  const { hostname, port } = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const total = Math.round(rate * seconds);
  const latencies = [];
  const lateness = []; // how late this generator itself sent each request: its own stalls
  let errors = 0;
  let sent = 0;
  const start = performance.now();
  await new Promise((resolve) => {
    let done = 0;
    const finish = () => ++done === total && resolve();
    const fire = () => {
      const now = performance.now();
      while (sent < total && start + (sent * 1000) / rate <= now) {
        const due = start + (sent * 1000) / rate;
        lateness.push(now - due);
        const k = sent++;
        const req = request(
          { host: hostname, port, path: pathOf(k), headers: headersOf(k), agent },
          (res) => {
            res.resume();
            res.on('end', () => {
              if (res.statusCode >= 300) errors++;
              latencies.push(performance.now() - due);
              finish();
            });
          },
        );
        req.on('error', () => {
          errors++;
          finish();
        });
        req.end();
      }
      if (sent < total) setTimeout(fire, 1);
    };
    fire();
  });
  agent.destroy();
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] * 10) / 10;
  lateness.sort((a, b) => a - b);
  const sentLateP99 = Math.round(lateness[Math.floor(lateness.length * 0.99)] * 10) / 10;
  return { rps: latencies.length / elapsed, p50: pct(0.5), p99: pct(0.99), errors, sentLateP99 };
}

/** Column names of `table` in `db` (a pg pool), in order, without `except`: for INSERT … SELECT copies. */
export async function columnsOf(db, table, except = []) {
  const { rows } = await db.query(
    `SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  return rows.map((r) => r.column_name).filter((c) => !except.includes(c));
}

/**
 * The demo practice licence in review at the health office (made through the API by
 * scripts/lib/demo-files.cjs, as `npm start` does) and its reviewer, signed in: `application` and its
 * open `task` are rows of the permits database `db`.
 */
export async function fileInReview(system, db) {
  const { ensureDemoFiles } = require('../scripts/lib/demo-files.cjs');
  const demo = require('../services/identity/src/app/demo/demo-data.json');
  const { inReview } = await ensureDemoFiles(system.gatewayUrl, demo);
  const reviewer = demo.staff.find((s) => s.agency === 'DINKES' && s.roles.includes('reviewer'));
  const login = await fetch(`${system.gatewayUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: reviewer.email, password: demo.password }),
  });
  const { accessToken } = await login.json();
  const [application] = (await db.query('SELECT id FROM applications WHERE tracking_number = $1', [inReview]))
    .rows;
  const [task] = (
    await db.query(`SELECT * FROM tasks WHERE application_id = $1 AND status = 'open'`, [application.id])
  ).rows;
  if (task?.stage !== 'competence-review') throw new Error(`the demo file is not in review: ${task?.stage}`);
  return { trackingNumber: inReview, reviewer, accessToken, application, task };
}

/**
 * Adds `total` open tasks to the permits database, each on an application of its own copied from
 * `template` (one open task per stage of a file): half in `task`'s queue (its agency and role), the
 * rest spread over the other agencies that have tasks, due dates over the next 30 days. Answers how
 * many tasks the measured queue then holds.
 */
export async function seedOpenTasks(db, { template, task, total }) {
  const otherAgencies = (
    await db.query(`SELECT DISTINCT agency_id FROM tasks WHERE agency_id <> $1`, [task.agency_id])
  ).rows.map((r) => r.agency_id);
  const appCols = await columnsOf(db, 'applications', ['id']);
  const taskCols = await columnsOf(db, 'tasks', ['id', 'application_id', 'agency_id', 'due_at']);
  for (let done = 0; done < total; done += 100_000) {
    const n = Math.min(100_000, total - done);
    await db.query(
      `WITH files AS (
         INSERT INTO applications (id, ${appCols.join(', ')})
         SELECT gen_random_uuid(), ${appCols.map((c) => `a.${c}`).join(', ')}
         FROM generate_series(1, $1), applications a WHERE a.id = $2 RETURNING id)
       INSERT INTO tasks (id, application_id, agency_id, due_at, ${taskCols.join(', ')})
       SELECT gen_random_uuid(), f.id,
              CASE WHEN random() < 0.5 OR cardinality($4::uuid[]) = 0 THEN $5::uuid
                   ELSE ($4::uuid[])[1 + floor(random() * cardinality($4::uuid[]))::int] END,
              now() + random() * interval '30 days', ${taskCols.map((c) => `t.${c}`).join(', ')}
       FROM files f, tasks t WHERE t.id = $3`,
      [n, template.id, task.id, otherAgencies, task.agency_id],
    );
  }
  for (const table of ['applications', 'tasks']) await db.query(`VACUUM ANALYZE ${table}`);
  const { rows } = await db.query(
    `SELECT count(*)::int AS n FROM tasks WHERE agency_id = $1 AND role = $2 AND status IN ('open', 'claimed')`,
    [task.agency_id, task.role],
  );
  return rows[0].n;
}
