import { Controller, Get, Global, Logger, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Logger as PinoLogger } from 'nestjs-pino';
import { PassThrough } from 'node:stream';
import request from 'supertest';
import { RuntimeEnv } from '@berkas/config';
import {
  HealthModule,
  httpMetricsMiddleware,
  LoggingModule,
  MetricsModule,
  RequestContext,
  requestContextMiddleware,
  runChecks,
  type ReadinessCheck,
} from './index';

@Controller('probe')
class ProbeController {
  private readonly logger = new Logger('Probe');
  @Get()
  probe() {
    this.logger.log(
      {
        password: 'hunter2',
        nested: { token: 'eyJhbGciOi.secret' },
        requestSeen: RequestContext.current()?.requestId,
      },
      'signed in',
    );
    return { ok: true };
  }
}

class Up implements ReadinessCheck {
  readonly name = 'up';
  check() {
    return Promise.resolve();
  }
}
class Broken implements ReadinessCheck {
  readonly name = 'broken';
  async check() {
    throw new Error('connection refused');
  }
}
class Hanging implements ReadinessCheck {
  readonly name = 'hanging';
  check() {
    return new Promise<void>(() => undefined);
  }
}

describe('observability', () => {
  it('logs JSON lines with the request id, echoes it, and never logs secrets', async () => {
    const sink = new PassThrough();
    const lines: Record<string, unknown>[] = [];
    sink.on('data', (chunk: Buffer) =>
      chunk
        .toString()
        .split('\n')
        .filter(Boolean)
        .forEach((l) => lines.push(JSON.parse(l))),
    );

    // Readiness checks come from global data-access modules in the services; one stands in here.
    @Global()
    @Module({ providers: [Up], exports: [Up] })
    class ChecksModule {}

    @Module({
      imports: [
        ChecksModule,
        LoggingModule.forRoot('probe-service', new RuntimeEnv(), sink),
        MetricsModule.forRoot('probe-service'),
        HealthModule.forRoot([Up]),
      ],
      controllers: [ProbeController],
    })
    class ProbeModule {}
    const moduleRef = await Test.createTestingModule({ imports: [ProbeModule] }).compile();
    const app = moduleRef.createNestApplication({ bufferLogs: true });
    app.useLogger(app.get(PinoLogger));
    app.use(requestContextMiddleware, httpMetricsMiddleware);
    await app.init();

    const res = await request(app.getHttpServer())
      .get('/probe')
      .set('x-request-id', 'req-observe-0001')
      .set('authorization', 'Bearer eyJhbGciOi.secret')
      .expect(200);
    expect(res.headers['x-request-id']).toBe('req-observe-0001');
    // A hostile id is replaced, not echoed.
    const bad = await request(app.getHttpServer()).get('/probe').set('x-request-id', '<script>').expect(200);
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

    await request(app.getHttpServer())
      .get('/metrics')
      .expect(200)
      .expect(
        /berkas_http_request_duration_seconds_count\{service="probe-service",method="GET",route="\/probe",status="200"\}/,
      );
    await request(app.getHttpServer()).get('/health/ready').expect(200);
    await app.close();

    const signedIn = lines.find((l) => l['msg'] === 'signed in' && l['requestId'] === 'req-observe-0001');
    expect(signedIn).toMatchObject({
      service: 'probe-service',
      level: 'info',
      requestSeen: 'req-observe-0001',
    });
    const all = JSON.stringify(lines);
    expect(all).not.toContain('hunter2');
    expect(all).not.toContain('eyJhbGciOi.secret');
    expect(all).toContain('[redacted]');
  });

  it('reports readiness per dependency, and a hanging one as down within the timeout', async () => {
    const started = Date.now();
    const report = await runChecks([new Up(), new Broken(), new Hanging()]);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(report.status).toBe('unavailable');
    expect(report.checks['up'].status).toBe('up');
    expect(report.checks['broken']).toMatchObject({ status: 'down', error: 'connection refused' });
    expect(report.checks['hanging']).toMatchObject({ status: 'down', error: 'no answer within 2000 ms' });
  });
});
