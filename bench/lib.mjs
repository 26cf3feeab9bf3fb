// Helpers for benchmarks: a whole Berkas on private ports, process memory sampling, medians.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
export const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const launcher = require('../scripts/lib/services.cjs');

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
 * Starts nats-server, s3rver and the four built services on free ports with fresh databases;
 * `extraEnv` adds settings per service (e.g. `{ gateway: { RATE_LIMIT_LOOKUPS: '1000000' } }`).
 */
export async function startBerkas(extraEnv = {}) {
  const run = `bench_${Date.now().toString(36)}`;
  const natsPort = await freePort();
  const s3Port = await freePort();
  const natsDir = mkdtempSync(join(tmpdir(), 'bench-nats-'));
  const s3Dir = mkdtempSync(join(tmpdir(), 'bench-s3-'));
  const infra = [
    spawn('/usr/sbin/nats-server', ['-a', '127.0.0.1', '-p', String(natsPort), '-js', '-sd', natsDir], {
      stdio: 'ignore',
    }),
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
  for (const name of launcher.SERVICES) {
    ports[name] = await freePort();
    const env = {
      ...shared,
      ...(name === 'gateway'
        ? { PORT: String(ports[name]) }
        : { HTTP_PORT: String(ports[name]), DATABASE_NAME: `berkas_${run}_${name}` }),
      ...(extraEnv[name] ?? {}),
    };
    processes[name] = launcher.spawnService(name, env, () => undefined);
  }
  const gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
  await launcher.waitForHealthy(`${gatewayUrl}/health`, 120000);
  return {
    gatewayUrl,
    natsUrl: shared.NATS_URL,
    s3Port,
    databases: Object.fromEntries(['identity', 'tracking', 'permits'].map((n) => [n, `berkas_${run}_${n}`])),
    processes,
    stop: async () => {
      await launcher.stopAll(Object.values(processes));
      for (const p of infra) p.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      rmSync(natsDir, { recursive: true, force: true });
      rmSync(s3Dir, { recursive: true, force: true });
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
      await client.connect();
      for (const name of ['identity', 'tracking', 'permits'])
        await client.query(`DROP DATABASE IF EXISTS "berkas_${run}_${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}
