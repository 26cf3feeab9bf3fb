import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { waitFor } from './infra';
import { newNatsCredentials, writeNatsConfig, type NatsCredentials } from './nats-users';

export const NATS_SERVER_BIN = process.env['NATS_SERVER_BIN'] ?? '/usr/sbin/nats-server';

const handedOut = new Set<number>();

/**
 * A port the OS says is free right now and that this process has not handed out before: the OS
 * may offer a just-released port again, and two services of one test must not both get it.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.unref();
      srv.on('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const { port: p } = srv.address() as { port: number };
        srv.close(() => resolve(p));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

export interface PrivateNats {
  url: string;
  port: number;
  /** With `users`: every service's NATS user and password (permissions from proto/). */
  credentials?: NatsCredentials;
  stop(): Promise<void>;
}

/**
 * A real nats-server with JetStream on a free loopback port, private to one test file, so tests never
 * share queue groups or streams with a running Berkas or another test run. With `users`, it knows
 * only the services' users, each with the permissions proto/ gives it, as in production.
 */
export async function startPrivateNats(options: { users?: boolean } = {}): Promise<PrivateNats> {
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'berkas-nats-'));
  const credentials = options.users ? newNatsCredentials() : undefined;
  const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir];
  if (credentials) args.push('-c', writeNatsConfig(storeDir, credentials));
  const child: ChildProcess = spawn(NATS_SERVER_BIN, args, { stdio: 'ignore' });
  const url = `nats://127.0.0.1:${port}`;
  await waitFor(async () => {
    const nc = await connect({
      servers: url,
      reconnect: false,
      ...(credentials ? { user: 'gateway', pass: credentials.gateway.password } : {}),
    });
    await nc.close();
    return true;
  }, 10000);
  return {
    url,
    port,
    credentials,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
