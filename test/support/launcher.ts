import type { ChildProcess } from 'node:child_process';

export type ServiceName = 'identity' | 'tracking' | 'permits' | 'notifications' | 'gateway' | 'web';
export type BackendName = Exclude<ServiceName, 'gateway' | 'web'>;

/** The launcher `npm start` uses, so tests run the system exactly as a newcomer would. */
// eslint-disable-next-line @nx/enforce-module-boundaries
export const launcher = require('../../scripts/lib/services.cjs') as {
  SERVICES: ServiceName[];
  spawnService(
    name: string,
    env: Record<string, string>,
    onLine: (name: string, line: string) => void,
  ): ChildProcess;
  waitForHealthy(url: string, timeoutMs?: number, isDead?: () => boolean): Promise<string>;
  stopAll(children: ChildProcess[], graceMs?: number): Promise<void>;
  root: string;
};

/** The notices' wording, whose WhatsApp templates the WhatsApp stand-in registers as Meta would. */
export const WHATSAPP_TEMPLATES = `${launcher.root}/services/notifications/data/templates.json`;
