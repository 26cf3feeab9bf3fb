import { createServer, type Server } from 'node:http';
import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Type,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { READINESS_CHECKS, runChecks, type ReadinessCheck } from './health';
import { metricsRegistry } from './metrics';

const INTERNAL_HTTP = Symbol('INTERNAL_HTTP');

/** A report of the operator's only (e.g. which replica of each service answers), by path. */
export type InternalReport = () => Promise<{ status: number; body: unknown }>;

interface InternalHttpOptions {
  port: number;
  host: string;
  /** Extra reports by path; a provider class whose `reports` map them. */
  reports?: Type<{ reports: Record<string, InternalReport> }>;
}

/**
 * The operator's endpoints on a port of their own: `/metrics` (route counts, failed sign-ins, the
 * runtime's version and memory) and `/health/live|ready`, for Prometheus and the orchestrator's
 * probes, never for the public. A plain node server: nothing of the app's middleware, guards or
 * rate limits stands between a probe and its answer.
 */
@Injectable()
class InternalEndpoints implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | null = null;

  private reports: Record<string, InternalReport> = {};

  constructor(
    @Inject(INTERNAL_HTTP) private readonly options: InternalHttpOptions,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
    private readonly moduleRef: ModuleRef,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.reports)
      this.reports = this.moduleRef.get(this.options.reports, { strict: false }).reports;
    this.server = createServer((req, res) => {
      const reply = (status: number, type: string, body: string) => {
        res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
        res.end(body);
      };
      const path = (req.url ?? '').split('?')[0];
      if (req.method !== 'GET') return reply(405, 'text/plain', 'method not allowed');
      if (path === '/metrics')
        return void metricsRegistry.metrics().then((m) => reply(200, metricsRegistry.contentType, m));
      if (path === '/health/live') return reply(200, 'application/json', '{"status":"ok"}');
      if (path === '/health/ready')
        return void runChecks(this.checks).then((r) =>
          reply(r.status === 'ok' ? 200 : 503, 'application/json', JSON.stringify(r)),
        );
      const report = this.reports[path];
      if (report)
        return void report().then(
          (r) => reply(r.status, 'application/json', JSON.stringify(r.body)),
          (e: unknown) => reply(500, 'text/plain', String(e)),
        );
      reply(404, 'text/plain', 'not found');
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject).listen(this.options.port, this.options.host, resolve);
    });
    new Logger('InternalHttp').log(`metrics and health on ${this.options.host}:${this.options.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Serves `/metrics` and `/health/live|ready` on the internal port (needs HealthModule's checks). */
@Module({})
export class InternalHttpModule {
  static forRoot(options: InternalHttpOptions): DynamicModule {
    return {
      module: InternalHttpModule,
      providers: [{ provide: INTERNAL_HTTP, useValue: options }, InternalEndpoints],
    };
  }
}
