#!/usr/bin/env node
// Makes sure the real servers Berkas needs are up: PostgreSQL, NATS with JetStream, an S3-compatible
// server (s3rver here; MinIO in production), and the local stand-ins for the providers people's
// messages go through: an SMTP server that keeps the mail, an SMS gateway speaking Twilio's API and
// a WhatsApp Business Cloud API.
// Starts whichever is down and is safe to run twice. Usage: node scripts/infra.mjs [up|down|status].
// `down` stops only what this script started.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, openSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const natsAuth = createRequire(import.meta.url)('./lib/nats-auth.cjs');
const dataDir = join(root, '.data');
const env = process.env;

// Berkas runs its own nats-server (port 4223), with a user per service and the permissions proto/
// gives it, as in production; the machine's own NATS (4222) stays as it is. Given a NATS_URL, the
// caller runs NATS and its users themselves.
const NATS_MANAGED = !env.NATS_URL;
export const INFRA = {
  pg: new URL(env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432'),
  nats: new URL((env.NATS_URL ?? 'nats://127.0.0.1:4223').split(',')[0]),
  s3: { host: env.S3_ENDPOINT ?? '127.0.0.1', port: Number(env.S3_PORT ?? 9000) },
  mail: { host: env.SMTP_HOST ?? '127.0.0.1', port: Number(env.SMTP_PORT ?? 1025), httpPort: 8025 },
  sms: new URL(env.SMS_API_URL ?? 'http://127.0.0.1:8026'),
  whatsapp: new URL(env.WHATSAPP_API_URL ?? 'http://127.0.0.1:8027'),
  databases: ['berkas_identity', 'berkas_tracking', 'berkas_permits', 'berkas_notifications', 'berkas_web'],
};

const log = (msg) => process.stdout.write(`[infra] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function portOpen(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function waitForPort(name, host, port, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await portOpen(host, port)) return;
    await sleep(250);
  }
  throw new Error(`${name} did not open ${host}:${port} within ${timeoutMs / 1000} s`);
}

async function ensurePostgres() {
  const { hostname: host, port = '5432' } = INFRA.pg;
  if (!(await portOpen(host, Number(port)))) {
    const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql').sort() : [];
    if (!versions.length)
      throw new Error(`PostgreSQL is not reachable at ${host}:${port} and no local cluster is installed`);
    const version = versions.at(-1);
    log(`PostgreSQL is down; starting cluster ${version}/main`);
    execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], {
      stdio: 'inherit',
    });
    await waitForPort('PostgreSQL', host, Number(port));
  }
  const { default: pg } = await import('pg');
  // The server accepts connections a moment before it accepts queries after a start.
  for (let attempt = 1; ; attempt++) {
    const client = new pg.Client({ connectionString: `${INFRA.pg.href.replace(/\/$/, '')}/postgres` });
    try {
      await client.connect();
      for (const db of INFRA.databases) {
        const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [db]);
        if (!found.rowCount) {
          await client.query(`CREATE DATABASE "${db}"`).catch((e) => {
            if (e.code !== '42P04' && e.code !== '23505') throw e;
          });
          log(`created database ${db}`);
        }
      }
      await client.end();
      break;
    } catch (e) {
      await client.end().catch(() => undefined);
      if (attempt >= 20) throw e;
      await sleep(500);
    }
  }
  log(`PostgreSQL ready at ${host}:${port}`);
  return null;
}

/** Passwords of this checkout's development NATS users, made once and kept in .data (never committed). */
export function natsCredentials() {
  const file = join(dataDir, 'nats', 'credentials.json');
  const kept = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  // A service added since the passwords were made gets one too; the others keep theirs.
  if (natsAuth.USERS.every((u) => kept[u])) return kept;
  mkdirSync(dirname(file), { recursive: true });
  const made = Object.fromEntries(
    natsAuth.USERS.map((u) => [u, kept[u] ?? randomBytes(18).toString('base64url')]),
  );
  writeFileSync(file, JSON.stringify(made, null, 2), { mode: 0o600 });
  return made;
}

/** What a service needs to reach the development NATS as its own user. */
export function natsEnvOf(service) {
  if (!NATS_MANAGED) return {};
  return {
    NATS_URL: INFRA.nats.href.replace(/\/$/, ''),
    NATS_USER: service,
    NATS_PASSWORD: natsCredentials()[service],
  };
}

async function ensureNats() {
  return NATS_MANAGED ? ensureBerkasNats() : ensureGivenNats();
}

/** Tells the running Berkas NATS to read its configuration again (the permissions proto/ implies). */
function reloadBerkasNats() {
  const pidFile = join(dataDir, 'nats.pid');
  const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : NaN;
  try {
    process.kill(pid, 'SIGHUP');
    log('proto/ changed: Berkas NATS reloaded its users and permissions');
  } catch {
    log('proto/ changed, but the running NATS was not started here: restart it (npm run infra -- down)');
  }
}

/** Berkas's own development NATS: JetStream, and the users and permissions proto/ implies. */
async function ensureBerkasNats() {
  const { hostname: host, port } = INFRA.nats;
  let started = null;
  const passwords = natsCredentials();
  const dir = join(dataDir, 'nats');
  mkdirSync(join(dir, 'store'), { recursive: true });
  const config = join(dir, 'berkas.conf');
  const wanted =
    `listen: "${host}:${port}"\njetstream { store_dir: ${JSON.stringify(join(dir, 'store'))} }\n` +
    natsAuth.authorizationBlock((user) => JSON.stringify(passwords[user]));
  const changed = !existsSync(config) || readFileSync(config, 'utf8') !== wanted;
  if (changed) writeFileSync(config, wanted, { mode: 0o600 });
  if (await portOpen(host, Number(port))) {
    // Already running (started by an earlier command): new subjects in proto/ mean new permissions,
    // which nats-server takes on SIGHUP without dropping anyone.
    if (changed) {
      reloadBerkasNats();
      await new Promise((r) => setTimeout(r, 300));
    }
  } else {
    log('starting Berkas NATS (JetStream, a user per service)');
    const out = openSync(join(dataDir, 'nats.log'), 'a');
    const child = spawn(
      existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server',
      ['-c', config],
      {
        detached: true,
        stdio: ['ignore', out, out],
      },
    );
    child.unref();
    writeFileSync(join(dataDir, 'nats.pid'), String(child.pid));
    started = 'nats';
    await waitForPort('NATS', host, Number(port));
  }
  const { connect } = await import('nats');
  const nc = await connect({
    servers: `nats://${host}:${port}`,
    reconnect: false,
    user: 'auditor',
    pass: passwords.auditor,
    inboxPrefix: '_INBOX_auditor',
  }).catch((e) => {
    if (e?.code !== 'AUTHORIZATION_VIOLATION') throw e;
    throw new Error(
      `the NATS at ${host}:${port} does not know this checkout's users (${join(dir, 'credentials.json')}): ` +
        'it was started by another checkout. Stop it there (npm run infra -- down), or set NATS_URL to another port',
    );
  });
  try {
    await (await nc.jetstreamManager()).getAccountInfo();
  } finally {
    await nc.close();
  }
  log(`NATS with JetStream and service users ready at ${host}:${port}`);
  return started;
}

/** A NATS the caller runs (NATS_URL): started here only if it is the local default and down. */
async function ensureGivenNats() {
  const { hostname: host, port = '4222' } = INFRA.nats;
  let started = null;
  if (!(await portOpen(host, Number(port)))) {
    log('NATS is down; starting nats-server with JetStream');
    const args = ['-a', host, '-p', String(port), '-js'];
    try {
      execFileSync(
        'start-stop-daemon',
        [
          '--start',
          '--oknodo',
          '--background',
          '--exec',
          '/usr/sbin/nats-server',
          '--',
          ...args,
          '-sd',
          '/var/lib/nats-server',
          '-l',
          '/var/log/nats-server.log',
        ],
        { stdio: 'inherit' },
      );
    } catch {
      // Not root, or no Debian layout: run it from the project's own data folder instead.
      mkdirSync(join(dataDir, 'nats'), { recursive: true });
      const child = spawn('nats-server', [...args, '-sd', join(dataDir, 'nats')], {
        detached: true,
        stdio: ['ignore', openSync(join(dataDir, 'nats.log'), 'a'), openSync(join(dataDir, 'nats.log'), 'a')],
      });
      child.unref();
      writeFileSync(join(dataDir, 'nats.pid'), String(child.pid));
      started = 'nats';
    }
    await waitForPort('NATS', host, Number(port));
  }
  const { connect } = await import('nats');
  const nc = await connect({ servers: `nats://${host}:${port}`, reconnect: false });
  try {
    await (await nc.jetstreamManager()).getAccountInfo();
  } catch (e) {
    throw new Error(`NATS at ${host}:${port} runs without JetStream (${e.message}); restart it with -js`);
  } finally {
    await nc.close();
  }
  log(`NATS with JetStream ready at ${host}:${port}`);
  return started;
}

async function ensureS3() {
  const { host, port } = INFRA.s3;
  if (await portOpen(host, port)) {
    log(`S3 server already answering at ${host}:${port}`);
    return null;
  }
  mkdirSync(join(dataDir, 's3'), { recursive: true });
  const bin = join(root, 'node_modules', 's3rver', 'bin', 's3rver.js');
  const out = openSync(join(dataDir, 's3rver.log'), 'a');
  const child = spawn(
    process.execPath,
    [bin, '-d', join(dataDir, 's3'), '-a', host, '-p', String(port), '--silent'],
    {
      detached: true,
      stdio: ['ignore', out, out],
    },
  );
  child.unref();
  writeFileSync(join(dataDir, 's3rver.pid'), String(child.pid));
  await waitForPort('s3rver', host, port);
  log(`started s3rver at ${host}:${port} (data in .data/s3)`);
  return 's3rver';
}

/** Starts one of scripts/stand-ins/ in the background unless something answers on its port. */
async function ensureStandIn(name, host, port, args, what) {
  if (await portOpen(host, port)) {
    log(`${what} already answering at ${host}:${port}`);
    return null;
  }
  const out = openSync(join(dataDir, `${name}.log`), 'a');
  const child = spawn(
    process.execPath,
    [join(root, 'scripts', 'stand-ins', `${name}.cjs`), '--host', host, ...args],
    {
      detached: true,
      stdio: ['ignore', out, out],
    },
  );
  child.unref();
  writeFileSync(join(dataDir, `${name}.pid`), String(child.pid));
  await waitForPort(what, host, port);
  log(`started ${what} at ${host}:${port}`);
  return name;
}

const ensureMailSink = () =>
  ensureStandIn(
    'mail-sink',
    INFRA.mail.host,
    INFRA.mail.port,
    [
      '--smtp-port',
      String(INFRA.mail.port),
      '--http-port',
      String(INFRA.mail.httpPort),
      '--dir',
      join(dataDir, 'mail'),
    ],
    `mail sink (SMTP; mail at http://${INFRA.mail.host}:${INFRA.mail.httpPort}/api/v1/messages)`,
  );

const ensureSmsGateway = () =>
  ensureStandIn(
    'sms-gateway',
    INFRA.sms.hostname,
    Number(INFRA.sms.port),
    [
      '--port',
      INFRA.sms.port,
      '--account-sid',
      env.SMS_ACCOUNT_SID ?? 'ACdev',
      '--auth-token',
      env.SMS_AUTH_TOKEN ?? 'dev-token',
    ],
    `SMS gateway stand-in (messages at ${INFRA.sms.origin}/api/v1/messages)`,
  );

// Its delivery reports go where Meta's would: the public URL's webhook, which the gateway passes on.
const ensureWhatsApp = () =>
  ensureStandIn(
    'whatsapp-cloud',
    INFRA.whatsapp.hostname,
    Number(INFRA.whatsapp.port),
    [
      ...['--port', INFRA.whatsapp.port],
      ...['--phone-number-id', env.WHATSAPP_PHONE_NUMBER_ID ?? '100000000000001'],
      ...['--access-token', env.WHATSAPP_ACCESS_TOKEN ?? 'dev-wa-token'],
      ...['--app-secret', env.WHATSAPP_APP_SECRET ?? 'dev-app-secret'],
      ...['--templates', join(root, 'services', 'notifications', 'data', 'templates.json')],
      ...['--webhook-url', `${env.PUBLIC_URL ?? 'http://localhost:3000'}/api/v1/delivery-reports/whatsapp`],
    ],
    `WhatsApp Cloud API stand-in (messages at ${INFRA.whatsapp.origin}/api/v1/messages)`,
  );

/** Brings everything up; returns the names of the servers this call started. */
export async function up() {
  mkdirSync(dataDir, { recursive: true });
  const started = [
    await ensurePostgres(),
    await ensureNats(),
    await ensureS3(),
    await ensureMailSink(),
    await ensureSmsGateway(),
    await ensureWhatsApp(),
  ].filter(Boolean);
  return started;
}

/** Stops the servers this script started (s3rver, the stand-ins, and NATS if it had to start its own). */
export function down(names = ['s3rver', 'mail-sink', 'sms-gateway', 'whatsapp-cloud', 'nats']) {
  for (const name of names) {
    const pidFile = join(dataDir, `${name}.pid`);
    if (!existsSync(pidFile)) continue;
    const pid = Number(readFileSync(pidFile, 'utf8'));
    try {
      process.kill(pid, 'SIGTERM');
      log(`stopped ${name} (pid ${pid})`);
    } catch {
      /* already gone */
    }
    rmSync(pidFile, { force: true });
  }
}

async function status() {
  const { hostname: ph, port: pp = '5432' } = INFRA.pg;
  const { hostname: nh, port: np = '4222' } = INFRA.nats;
  for (const [name, host, port] of [
    ['postgres', ph, pp],
    ['nats', nh, np],
    ['s3', INFRA.s3.host, INFRA.s3.port],
    ['mail', INFRA.mail.host, INFRA.mail.port],
    ['sms', INFRA.sms.hostname, INFRA.sms.port],
    ['whatsapp', INFRA.whatsapp.hostname, INFRA.whatsapp.port],
  ]) {
    log(`${name.padEnd(8)} ${host}:${port} ${(await portOpen(host, Number(port))) ? 'up' : 'DOWN'}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const command = process.argv[2] ?? 'up';
  const run = { up, down: async () => down(), status }[command];
  if (!run) {
    process.stderr.write('usage: node scripts/infra.mjs [up|down|status]\n');
    process.exit(64);
  }
  run().catch((e) => {
    process.stderr.write(`[infra] ${e.message}\n`);
    process.exit(1);
  });
}
