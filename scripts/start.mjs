#!/usr/bin/env node
// `npm start`: installs what is missing, brings PostgreSQL, NATS and S3 up, builds, starts the
// services and prints the one address where the pages and the API answer. Ctrl-C stops everything it started.
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const say = (msg) => process.stdout.write(`\n\x1b[1m▶ ${msg}\x1b[0m\n`);

function installIfNeeded() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(join(root, 'package-lock.json')).mtimeMs)
    return;
  say('Installing dependencies from package-lock.json');
  try {
    execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
  } catch {
    // The registry here lacks other platforms' optional binaries, which the lock file then omits and
    // `npm ci` refuses; `npm install` still installs the versions the lock file pins.
    execSync('npm install --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
  }
}

installIfNeeded();
const infra = await import('./infra.mjs');
const { SERVICES, spawnService, waitForHealthy, stopAll } = require('./lib/services.cjs');
const { ensureDemoFiles } = require('./lib/demo-files.cjs');
const { ensureDemoDesk } = require('./lib/demo-desk.cjs');
const demoData = () =>
  JSON.parse(readFileSync(join(root, 'services/identity/src/app/demo/demo-data.json'), 'utf8'));

say('Checking PostgreSQL, NATS (JetStream) and the S3 server');
const startedInfra = await infra.up();

say('Building the services');
execSync('npx nx run-many -t build --output-style=static', {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NX_DAEMON: 'false' },
});

const port = Number(process.env.PORT ?? 3000);
const gatewayPort = Number(process.env.GATEWAY_PORT ?? 3080);
const publicUrl = process.env.PUBLIC_URL ?? `http://localhost:${port}`;
const colors = { identity: 35, tracking: 36, permits: 33, notifications: 31, gateway: 32, web: 34 };
// One address, as an ingress gives in a cluster: the pages answer on PORT and forward the gateway's
// paths (/api, /docs, /.well-known, /health) to it; the gateway itself listens on GATEWAY_PORT.
const ownEnv = {
  gateway: { PORT: String(gatewayPort), TRUST_PROXY_HOPS: '1' },
  web: {
    PORT: String(port),
    INTERNAL_PORT: '3190',
    API_URL: `http://127.0.0.1:${gatewayPort}`,
    SERVE_API: 'true',
  },
};
// Demo data (Kota Bogor, its agencies and accounts) unless the caller says otherwise.
const env = {
  LOG_PRETTY: process.env.LOG_PRETTY ?? 'true',
  PUBLIC_URL: publicUrl,
  DEMO_DATA: process.env.DEMO_DATA ?? 'true',
};
const children = [];
let stopping = false;

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  say('Stopping services');
  await stopAll(children);
  infra.down(startedInfra);
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGHUP', () => void shutdown(0));

say('Starting services');
for (const name of SERVICES) {
  const own = name === 'web' ? ownEnv.web : { ...infra.natsEnvOf(name), ...(ownEnv[name] ?? {}) };
  const child = spawnService(name, { ...env, ...own }, (svc, line) =>
    process.stdout.write(`\x1b[${colors[svc]}m${svc.padEnd(8)}\x1b[0m ${line}\n`),
  );
  child.on('exit', (code, signal) => {
    if (stopping) return;
    process.stderr.write(`\n${name} exited (${signal ?? code}); stopping the rest.\n`);
    void shutdown(1);
  });
  children.push(child);
}

try {
  await waitForHealthy(`http://127.0.0.1:${port}/health`, 120000);
} catch (e) {
  process.stderr.write(`\n${e.message}\n`);
  await shutdown(1);
}

let demoFiles;
if (env.DEMO_DATA === 'true') {
  say('Making the demo files (a practice licence issued, another in review)');
  try {
    demoFiles = await ensureDemoFiles(`http://127.0.0.1:${port}`, demoData());
    say("Filling the officers' desks (a few dozen files of each permit type, at every stage)");
    const pg = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432');
    pg.pathname = '/berkas_permits';
    const made = await ensureDemoDesk(`http://127.0.0.1:${port}`, demoData(), {
      permitsDatabaseUrl: pg.href,
    });
    say(
      `Demo desk: ${made.SIP} SIP, ${made.REKLAME} REKLAME and ${made.PBG} PBG files made, ${made.aged} tasks aged past due`,
    );
  } catch (e) {
    process.stderr.write(`\nCould not make the demo files: ${e.message}\n`);
  }
}

say(`Berkas is running: ${publicUrl}`);
const lines = [
  `  Track a file       ${publicUrl}/lacak`,
  `  API documentation  ${publicUrl}/docs  (OpenAPI: ${publicUrl}/docs/openapi.json)`,
  `  System health      ${publicUrl}/health`,
  `  Sign in            POST ${publicUrl}/api/v1/auth/login  {"username": "<email, phone or NIP>", "password": "..."}`,
  `  Token keys         ${publicUrl}/.well-known/jwks.json`,
  `  Service health     http://localhost:3101/health/ready (identity), :3102 (tracking), :3103 (permits), :3104 (notifications); gateway :3100; pages :3190`,
  `  Mail sent          http://localhost:8025/api/v1/messages  (registration codes land here, not in real inboxes)`,
  `  SMS sent           http://localhost:8026/api/v1/messages`,
  `  WhatsApp sent      http://localhost:8027/api/v1/messages`,
];
if (env.DEMO_DATA === 'true') {
  const demo = demoData();
  lines.push('', `  Demo accounts (${demo.region.name}), all with password "${demo.password}":`);
  for (const s of demo.staff)
    lines.push(`    ${s.email.padEnd(34)} NIP ${s.nip}  ${s.agency.padEnd(8)} ${s.roles.join(', ')}`);
  lines.push(`    ${demo.person.email.padEnd(34)} citizen, NIK ${demo.person.nik}`);
  for (const m of demo.company.members)
    lines.push(`    ${m.email.padEnd(34)} ${demo.company.name} (NIB ${demo.company.nib})`);
}
if (demoFiles) {
  lines.push(
    '',
    '  Demo tracking numbers (try them at /lacak, no sign-in needed):',
    `    ${demoFiles.inReview}   practice licence in review at the health office (DINKES)`,
    `    ${demoFiles.issued}   practice licence issued; its QR code opens ${demoFiles.verificationUrl}`,
  );
}
lines.push('', '  Press Ctrl-C to stop everything this command started.', '');
process.stdout.write(lines.join('\n'));
