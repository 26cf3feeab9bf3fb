import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../../..');

interface Launcher {
  spawnService(
    name: string,
    env: Record<string, string>,
    onLine: (n: string, l: string) => void,
  ): ChildProcess;
  waitForHealthy(url: string, timeoutMs?: number): Promise<string>;
  stopAll(children: ChildProcess[]): Promise<void>;
}
const launcher = require(join(root, 'scripts/lib/services.cjs')) as Launcher;

/**
 * Starts another service from its build, the way `npm start` does, for a spec that needs it beside
 * the service under test (its project's test target depends on that build). Resolves once the
 * service reports ready.
 */
const running = new Set<ChildProcess>();
// Whatever happens to the spec (a timed-out hook, a crash), its services must not outlive it.
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

export async function startBuiltService(name: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = launcher.spawnService(name, env, () => undefined);
  running.add(child);
  child.once('exit', () => running.delete(child));
  await launcher.waitForHealthy(`http://127.0.0.1:${env['HTTP_PORT']}/health/ready`, 60000);
  return child;
}

export const stopBuiltServices = (children: ChildProcess[]): Promise<void> => launcher.stopAll(children);

/** The demo accounts identity loads with DEMO_DATA=true, read as data. */
export function demoAccounts(): {
  password: string;
  person: { email: string; name: string };
  staff: Array<{ email: string; agency: string; roles: string[]; nip: string }>;
  company: { members: Array<{ email: string }> };
} {
  return JSON.parse(readFileSync(join(root, 'services/identity/src/app/demo/demo-data.json'), 'utf8'));
}
