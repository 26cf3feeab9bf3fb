#!/usr/bin/env node
// `npm test`: brings the real servers up, then lints, builds and tests every project through Nx,
// including the end-to-end journeys in test/ (which start all four services). Exits non-zero on any
// failure. Extra arguments go to Nx, e.g. `npm test -- --projects=messaging`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { up, down } from './infra.mjs';
import { ensureChromium } from './lib/chromium.mjs';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const resultsDir = join(root, 'tmp', 'test-results');
rmSync(resultsDir, { recursive: true, force: true });
ensureChromium(); // the public pages are tested in a real browser
const started = await up();
const nx = spawnSync(
  'npx',
  [
    'nx',
    'run-many',
    '-t',
    'lint',
    'build',
    'test',
    '--output-style=static',
    '--parallel=2',
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false', FORCE_COLOR: '0' } },
);
down(started);

// One closing line for the whole run, summed from every project's Jest results.
const results = existsSync(resultsDir)
  ? readdirSync(resultsDir).map((f) => JSON.parse(readFileSync(join(resultsDir, f), 'utf8')))
  : [];
const total = (key) => results.reduce((n, r) => n + r[key], 0);
process.stdout.write(`\n${results.length} test projects\n`);
process.stdout.write(`${total('passed')} passed, ${total('failed')} failed, ${total('skipped')} skipped\n`);
const failed = nx.status !== 0 || total('failed') > 0 || total('passed') === 0;
process.exit(failed ? nx.status || 1 : 0);
