#!/usr/bin/env node
// `npm test`: brings the real servers up, then lints, builds and tests every project through Nx,
// including the end-to-end journeys in test/ (which start all four services). Exits non-zero on any
// failure. Extra arguments go to Nx, e.g. `npm test -- --projects=messaging`.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { up, down } from './infra.mjs';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const started = await up();
const nx = spawnSync(
  'npx',
  ['nx', 'run-many', '-t', 'lint', 'build', 'test', '--output-style=static', '--parallel=2', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false', FORCE_COLOR: '0' } },
);
down(started);
process.exit(nx.status ?? 1);
