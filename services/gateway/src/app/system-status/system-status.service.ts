import { Injectable } from '@nestjs/common';
import { AppError, type PingReply } from '@berkas/contracts';
import { ServiceClient } from '@berkas/messaging';
import type { InternalReport } from '@berkas/observability';

export const BACKENDS = ['identity', 'tracking', 'permits', 'notifications'] as const;
const PING_TIMEOUT_MS = 2000;

export type BackendStatus =
  | ({ status: 'up'; latencyMs: number } & Pick<PingReply, 'version' | 'instanceId'>)
  | { status: 'down'; latencyMs: number; error: string };

export interface SystemStatus {
  status: 'ok' | 'degraded';
  services: Record<(typeof BACKENDS)[number], BackendStatus>;
}

/** What the public learns: up or down and how fast, no versions, replicas or error texts. */
export interface PublicStatus {
  status: SystemStatus['status'];
  services: Record<(typeof BACKENDS)[number], Pick<BackendStatus, 'status' | 'latencyMs'>>;
}

export function publicStatus(report: SystemStatus): PublicStatus {
  const services = Object.fromEntries(
    Object.entries(report.services).map(([name, s]) => [name, { status: s.status, latencyMs: s.latencyMs }]),
  ) as PublicStatus['services'];
  return { status: report.status, services };
}

/**
 * Asks every backend service over NATS whether it is there; the answer is the system's health. The
 * full report (versions, the replica that answered, errors) is the operator's, on the internal port.
 */
@Injectable()
export class SystemStatusService {
  readonly reports: Record<string, InternalReport> = {
    '/health/services': async () => {
      const report = await this.check();
      return { status: report.status === 'ok' ? 200 : 503, body: report };
    },
  };

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
