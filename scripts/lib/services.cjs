// Launching the services from their builds; shared by `npm start` and the end-to-end tests so
// both run the system exactly the same way. CommonJS so TypeScript tests and ESM scripts can load it.
const { spawn } = require('node:child_process');
const { join } = require('node:path');
const { createInterface } = require('node:readline');

const root = join(__dirname, '..', '..');

/** Start order: the gateway after the backends, so its first health check finds them; the pages last. */
const SERVICES = ['identity', 'tracking', 'permits', 'notifications', 'gateway', 'web'];

const entryOf = (name) => join(root, 'dist', 'services', name, 'services', name, 'src', 'main.js');

/**
 * Spawns one service with `env` on top of the current environment. Each output line goes to
 * `onLine(name, line)`; `nodeArgs` go to node itself (e.g. `--cpu-prof` for a benchmark's profile).
 * Returns the child process.
 */
function spawnService(name, env, onLine, nodeArgs = []) {
  const child = spawn(process.execPath, ['--enable-source-maps', ...nodeArgs, entryOf(name)], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => onLine(name, line));
  }
  return child;
}

/** Resolves with the last response once `url` answers 200; rejects after `timeoutMs`. */
async function waitForHealthy(url, timeoutMs = 60000, isDead = () => false) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (isDead()) throw new Error(`a service exited while waiting for ${url}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
      const body = await res.text();
      if (res.status === 200) return body;
      last = `${res.status} ${body}`;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} not healthy within ${timeoutMs / 1000} s; last answer: ${last}`);
}

/** Sends SIGTERM to every child still running and waits for them (SIGKILL after `graceMs`). */
async function stopAll(children, graceMs = 10000) {
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

module.exports = { SERVICES, entryOf, spawnService, waitForHealthy, stopAll, root };
