#!/usr/bin/env node
// `npm run bench -- <name> [args]`: builds, makes sure PostgreSQL is up, then runs bench/<name>.mjs.
// Never part of `npm test`: benchmarks take minutes and their figures go to BENCHMARKS.md.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { up } from './infra.mjs';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const [name, ...args] = process.argv.slice(2);
const available = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.mjs') && f !== 'lib.mjs')
  .map((f) => f.replace(/\.mjs$/, ''));
if (!name || !existsSync(join(root, 'bench', `${name}.mjs`))) {
  process.stderr.write(`usage: npm run bench -- <${available.join('|')}> [args]\n`);
  process.exit(64);
}
await up();
execSync('npx nx run-many -t build --output-style=static', {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NX_DAEMON: 'false' },
});
const result = spawnSync(process.execPath, [join(root, 'bench', `${name}.mjs`), ...args], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
