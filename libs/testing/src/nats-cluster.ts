import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { waitFor } from './infra';
import { freePort, NATS_SERVER_BIN } from './nats-server';
import { natsConnectAs, newNatsCredentials, writeNatsConfig, type NatsCredentials } from './nats-users';

export interface NatsNode {
  name: string;
  url: string;
  process: ChildProcess;
}

export interface NatsCluster {
  nodes: NatsNode[];
  /** With `users`: every service's NATS user and password, the same on every node. */
  credentials?: NatsCredentials;
  /** Every node's client URL, for NATS_URL. */
  urls: string[];
  /** Stops one node (SIGKILL, as a crash) and starts it again with its JetStream store. */
  restart(index: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A NATS cluster with JetStream on loopback ports, from the Debian nats-server binary: `size` nodes
 * routed to each other, each with its own store, so streams can have `size` replicas. Returns once
 * every node takes clients and JetStream has a meta leader.
 */
export async function startNatsCluster(size = 3, options: { users?: boolean } = {}): Promise<NatsCluster> {
  const credentials = options.users ? newNatsCredentials() : undefined;
  const ports = await Promise.all(
    Array.from({ length: size }, async () => ({ client: await freePort(), cluster: await freePort() })),
  );
  const stores = ports.map(() => mkdtempSync(join(tmpdir(), 'berkas-nats-cluster-')));
  const configs = credentials ? stores.map((dir) => writeNatsConfig(dir, credentials)) : [];
  const spawnNode = (i: number): NatsNode => {
    const routes = ports
      .filter((_, j) => j !== i)
      .map((p) => `nats://127.0.0.1:${p.cluster}`)
      .join(',');
    const name = `berkas-${i + 1}`;
    const child = spawn(
      NATS_SERVER_BIN,
      [
        ...['-a', '127.0.0.1', '-p', String(ports[i].client), '-n', name, '-js', '-sd', stores[i]],
        ...[
          '--cluster_name',
          'berkas',
          '--cluster',
          `nats://127.0.0.1:${ports[i].cluster}`,
          '--routes',
          routes,
        ],
        ...(credentials ? ['-c', configs[i]] : []),
      ],
      { stdio: 'ignore' },
    );
    return { name, url: `nats://127.0.0.1:${ports[i].client}`, process: child };
  };
  const nodes = ports.map((_, i) => spawnNode(i));
  const ready = async (url: string) =>
    waitFor(
      async () => {
        const nc = await connect({
          servers: url,
          reconnect: false,
          ...natsConnectAs(credentials, 'auditor'),
        });
        try {
          await (await nc.jetstreamManager()).getAccountInfo(); // answers once a meta leader exists
          return true;
        } finally {
          await nc.close();
        }
      },
      30000,
      250,
    );
  await Promise.all(nodes.map((n) => ready(n.url)));
  const stopNode = async (node: NatsNode, signal: NodeJS.Signals) => {
    if (node.process.exitCode !== null || node.process.signalCode !== null) return;
    const exited = new Promise((r) => node.process.once('exit', r));
    node.process.kill(signal);
    await exited;
  };
  return {
    nodes,
    credentials,
    urls: nodes.map((n) => n.url),
    restart: async (index) => {
      await stopNode(nodes[index], 'SIGKILL');
      nodes[index] = spawnNode(index);
      await ready(nodes[index].url);
    },
    stop: async () => {
      await Promise.all(nodes.map((n) => stopNode(n, 'SIGTERM')));
      stores.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
    },
  };
}
