import { Controller, Get, Header, Module, type DynamicModule } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { Public } from './public-route';

/** The process's metric registry; libraries add their own metrics to it. */
export const metricsRegistry = new Registry();

export const httpRequestDuration = new Histogram({
  name: 'berkas_http_request_duration_seconds',
  help: 'HTTP requests by route, method and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

export const rpcHandlerDuration = new Histogram({
  name: 'berkas_rpc_handler_duration_seconds',
  help: 'NATS request handlers by subject and outcome',
  labelNames: ['subject', 'outcome'] as const,
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [metricsRegistry],
});

/** Times every HTTP request; the route label is the matched pattern, never the raw URL (bounded cardinality). */
export function httpMetricsMiddleware(req: Request, res: Response, next: NextFunction): void {
  const end = httpRequestDuration.startTimer({ method: req.method });
  res.on('finish', () => {
    const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
    end({ route: `${req.baseUrl ?? ''}${route}`, status: String(res.statusCode) });
  });
  next();
}

@Public()
@Controller('metrics')
class MetricsController {
  @Get()
  @Header('Content-Type', metricsRegistry.contentType)
  scrape(): Promise<string> {
    return metricsRegistry.metrics();
  }
}

/**
 * Prometheus `/metrics` with Node's default metrics labelled by service; with `internalOnly`, served
 * on the internal port (InternalHttpModule) instead of the app's public one.
 */
@Module({})
export class MetricsModule {
  private static started = false;

  static forRoot(service: string, options: { internalOnly?: boolean } = {}): DynamicModule {
    if (!MetricsModule.started) {
      metricsRegistry.setDefaultLabels({ service });
      collectDefaultMetrics({ register: metricsRegistry, prefix: 'berkas_' });
      MetricsModule.started = true;
    }
    return { module: MetricsModule, controllers: options.internalOnly ? [] : [MetricsController] };
  }
}
