import {
  Controller,
  Get,
  Global,
  HttpCode,
  HttpStatus,
  Inject,
  Module,
  Res,
  type DynamicModule,
  type Type,
} from '@nestjs/common';
import type { Response } from 'express';
import { Public } from './public-route';

/** One dependency a replica needs to serve traffic (its database, NATS, object storage). */
export interface ReadinessCheck {
  readonly name: string;
  /** Resolves when the dependency answers; rejects with the reason otherwise. */
  check(): Promise<void>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
const CHECK_TIMEOUT_MS = 2000;

export interface ReadinessReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, { status: 'up' | 'down'; latencyMs: number; error?: string }>;
}

export async function runChecks(checks: ReadinessCheck[]): Promise<ReadinessReport> {
  const entries = await Promise.all(
    checks.map(async (c) => {
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
            CHECK_TIMEOUT_MS,
          );
        });
        await Promise.race([c.check(), timeout]);
        return [
          c.name,
          { status: 'up' as const, latencyMs: Math.round(performance.now() - started) },
        ] as const;
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        return [
          c.name,
          { status: 'down' as const, latencyMs: Math.round(performance.now() - started), error },
        ] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const down = entries.some(([, r]) => r.status === 'down');
  return { status: down ? 'unavailable' : 'ok', checks: Object.fromEntries(entries) };
}

@Public()
@Controller('health')
class HealthController {
  constructor(@Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[]) {}

  /** The process is up and its event loop turns; restart it if this fails. */
  @Get('live')
  @HttpCode(HttpStatus.OK)
  live() {
    return { status: 'ok' };
  }

  /** Every dependency answers; route traffic here only while this is 200. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response): Promise<ReadinessReport> {
    const report = await runChecks(this.checks);
    res.status(report.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}

/**
 * `/health/live` and `/health/ready`; the checks are providers exported by the data-access modules.
 * `internalOnly`: the app's own port is public (the gateway), so they are served on the internal
 * port instead (InternalHttpModule), beside the metrics.
 */
@Global()
@Module({})
export class HealthModule {
  static forRoot(checks: Type<ReadinessCheck>[], options: { internalOnly?: boolean } = {}): DynamicModule {
    return {
      module: HealthModule,
      controllers: options.internalOnly ? [] : [HealthController],
      providers: [
        { provide: READINESS_CHECKS, useFactory: (...all: ReadinessCheck[]) => all, inject: checks },
      ],
      exports: [READINESS_CHECKS],
    };
  }
}
