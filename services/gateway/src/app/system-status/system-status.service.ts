import { Injectable } from '@nestjs/common';
import { AppError, type PingReply } from '@berkas/contracts';
import { ServiceClient } from '@berkas/messaging';

export const BACKENDS = ['identity', 'tracking', 'permits'] as const;
const PING_TIMEOUT_MS = 2000;

export type BackendStatus =
  | ({ status: 'up'; latencyMs: number } & Pick<PingReply, 'version' | 'instanceId'>)
  | { status: 'down'; latencyMs: number; error: string };

export interface SystemStatus {
  status: 'ok' | 'degraded';
  services: Record<(typeof BACKENDS)[number], BackendStatus>;
}

/** Asks every backend service over NATS whether it is there; the answer is the system's health. */
@Injectable()
export class SystemStatusService {
  constructor(private readonly client: ServiceClient) {}

  async check(): Promise<SystemStatus> {
    const results = await Promise.all(
      BACKENDS.map(async (service): Promise<[string, BackendStatus]> => {
        const started = performance.now();
        const latency = () => Math.round(performance.now() - started);
        try {
          const reply = await this.client.request(`${service}.ping`, {}, { timeoutMs: PING_TIMEOUT_MS });
          return [
            service,
            { status: 'up', version: reply.version, instanceId: reply.instanceId, latencyMs: latency() },
          ];
        } catch (e) {
          const error = e instanceof AppError ? e.message : String(e);
          return [service, { status: 'down', error, latencyMs: latency() }];
        }
      }),
    );
    const services = Object.fromEntries(results) as SystemStatus['services'];
    const down = Object.values(services).some((s) => s.status === 'down');
    return { status: down ? 'degraded' : 'ok', services };
  }
}
