import { BadRequestException, Controller, Get, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AppError } from '@berkas/contracts';
import { requestContextMiddleware } from '@berkas/observability';
import { ProblemDetailsFilter } from './problem-details.filter';

@Controller('boom')
class BoomController {
  @Get('app')
  app() {
    throw new AppError(
      'INVALID_TRACKING_NUMBER',
      400,
      'Check the number: its check character does not match',
      [{ path: '/trackingNumber', message: 'check character mismatch' }],
    );
  }
  @Get('down')
  down() {
    throw new AppError('SERVICE_UNAVAILABLE', 503, 'The tracking service did not answer within 5000 ms');
  }
  @Get('nest')
  nest() {
    throw new BadRequestException('page must be a number');
  }
  @Get('bug')
  bug() {
    throw new TypeError("Cannot read properties of undefined (reading 'holder') at /srv/app/secret-path.js");
  }
}

describe('ProblemDetailsFilter', () => {
  let server: Parameters<typeof request>[0];
  let close: () => Promise<void>;

  beforeAll(async () => {
    @Module({
      controllers: [BoomController],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    })
    class BoomModule {}
    const app = (await Test.createTestingModule({ imports: [BoomModule] }).compile()).createNestApplication({
      logger: false,
    });
    app.use(requestContextMiddleware);
    await app.init();
    server = app.getHttpServer();
    close = () => app.close();
  });
  afterAll(() => close());

  it('turns a service error into an RFC 9457 document with its code, fields and request id', async () => {
    const res = await request(server).get('/boom/app').set('x-request-id', 'req-problem-0001').expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual({
      type: 'https://berkas.id/problems/invalid-tracking-number',
      title: 'bad request',
      status: 400,
      detail: 'Check the number: its check character does not match',
      instance: '/boom/app',
      code: 'INVALID_TRACKING_NUMBER',
      requestId: 'req-problem-0001',
      errors: [{ path: '/trackingNumber', message: 'check character mismatch' }],
    });
  });

  it('tells clients when to retry an unavailable service', async () => {
    const res = await request(server).get('/boom/down').expect(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body.code).toBe('SERVICE_UNAVAILABLE');
  });

  it('keeps the status of Nest HTTP errors', async () => {
    const res = await request(server).get('/boom/nest').expect(400);
    expect(res.body).toMatchObject({ status: 400, code: 'BAD_REQUEST', detail: 'page must be a number' });
  });

  it('hides the internals of a bug behind a reference', async () => {
    const res = await request(server).get('/boom/bug').expect(500);
    expect(res.body.code).toBe('INTERNAL');
    expect(res.body.detail).toMatch(/reference [0-9a-f-]{36}/);
    expect(JSON.stringify(res.body)).not.toContain('secret-path');
  });
});
