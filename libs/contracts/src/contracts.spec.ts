import { AppError, cloudEvent, validateReply, validateRequest, REQUESTS, EVENTS, HEADERS } from './index';

describe('contracts generated from proto/', () => {
  it('declares every service ping and started event with its owner', () => {
    for (const s of ['identity', 'tracking', 'permits'] as const) {
      expect(REQUESTS[`${s}.ping`]).toMatchObject({ service: s, request: 'PingRequest', reply: 'PingReply' });
      expect(EVENTS[`evt.${s}.service-started`]).toMatchObject({ service: s, data: 'ServiceStarted' });
    }
    expect(HEADERS.requestId).toBe('x-request-id');
  });

  it('accepts a valid reply; an invalid one is the answering side’s fault (502), its problems for the logs only', () => {
    const ok = { service: 'identity', version: '1.0.0', instanceId: 'h:1', time: new Date().toISOString() };
    expect(validateReply('identity.ping', ok)).toBe(ok);
    try {
      validateReply('identity.ping', { service: 'nope', version: '', extra: 1 });
      throw new Error('should have failed');
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      const err = e as AppError;
      expect([err.status, err.code, err.details]).toEqual([502, 'INVALID_REPLY', undefined]);
      expect(err.message).not.toMatch(/identity|Ping/);
      expect(err.toReply()).not.toHaveProperty('internal');
      const paths = (err.internal?.['problems'] as Array<{ path: string }>).map((d) => d.path).sort();
      expect(paths).toEqual(
        expect.arrayContaining(['/service', '/version', '/extra', '/instanceId', '/time']),
      );
      expect(err.internal).toMatchObject({ subject: 'identity.ping', schema: 'PingReply' });
    }
  });

  it('refuses a request naming each problem, but not the subject or schema', () => {
    const err = (() => {
      try {
        validateRequest('tracking.ping', { x: 1 });
      } catch (e) {
        return e as AppError;
      }
      throw new Error('should have failed');
    })();
    expect(err).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      message: 'The request is not valid',
    });
    expect(err.details).toEqual([{ path: '/x', message: 'is not allowed' }]);
    expect(err.internal).toEqual({ subject: 'tracking.ping', schema: 'PingRequest' });
  });

  it('rejects extra fields on requests', () => {
    expect(() => validateRequest('tracking.ping', { x: 1 })).toThrow(AppError);
    expect(validateRequest('tracking.ping', {})).toEqual({});
  });

  it('builds CloudEvents and refuses data that breaks the schema', () => {
    const data = {
      service: 'permits' as const,
      version: '1',
      instanceId: 'a',
      startedAt: new Date().toISOString(),
    };
    const evt = cloudEvent('evt.permits.service-started', data, { source: '/berkas/permits' });
    expect(evt).toMatchObject({ specversion: '1.0', type: 'evt.permits.service-started', data });
    expect(evt.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(() =>
      cloudEvent('evt.permits.service-started', { ...data, startedAt: 'yesterday' }, { source: 's' }),
    ).toThrow(/is not valid/);
  });

  it('round-trips AppError through its wire shape', () => {
    const reply = new AppError('NOT_FOUND', 404, 'no such dossier').toReply();
    expect(AppError.isReply(reply)).toBe(true);
    expect(AppError.fromReply(reply)).toMatchObject({
      code: 'NOT_FOUND',
      status: 404,
      message: 'no such dossier',
    });
  });
});
