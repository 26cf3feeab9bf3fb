// The browser the page tests drive: Debian's chromium, installed here when missing (never a
// downloaded browser). BERKAS_CHROMIUM points elsewhere if a machine keeps it in another place.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.BERKAS_CHROMIUM ?? '/usr/bin/chromium';

export function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
  const install = `${sudo}apt-get install -y -q --no-install-recommends chromium`;
  process.stdout.write(`[test] ${CHROMIUM} is missing: ${install}\n`);
  const run = (cmd) =>
    execSync(cmd, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  try {
    run(install);
  } catch {
    run(`${sudo}apt-get update -q`); // the package lists may be stale on a fresh machine
    run(install);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`chromium was installed but ${CHROMIUM} is not there`);
}
