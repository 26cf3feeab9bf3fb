import { randomUUID } from 'node:crypto';
import { Controller, Module, type INestApplication } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { AckPolicy, DeliverPolicy, headers as natsHeaders, type JsMsg, type NatsConnection } from 'nats';
import { DataSource } from 'typeorm';
import { ConfigModule, DatabaseEnv, NatsEnv } from '@berkas/config';
import { AppError, HEADERS, type PingReply } from '@berkas/contracts';
import { RequestContext } from '@berkas/observability';
import { PersistenceModule } from '@berkas/persistence';
import {
  dropDatabase,
  startPrivateNats,
  TEST_INFRA,
  uniqueName,
  waitFor,
  type PrivateNats,
} from '@berkas/testing';
import { Transport } from '@nestjs/microservices';
import {
  EventsModule,
  IdempotentConsumers,
  MESSAGING_ENTITIES,
  MESSAGING_MIGRATIONS,
  NATS_CONNECTION,
  NatsModule,
  Outbox,
  OutboxRelay,
  RpcContextInterceptor,
  RpcErrorFilter,
  ServiceClient,
} from './index';

const data = () => ({
  service: 'identity' as const,
  version: 'spec',
  instanceId: 'spec',
  startedAt: new Date().toISOString(),
});

const officer = {
  kind: 'staff' as const,
  id: '6f1d2a8e-4b7c-4d9a-9e2f-0a1b2c3d4e5f',
  roles: ['verifier' as const],
};

const seen: Array<{ requestId?: string; principal?: string }> = [];

@Controller()
class EchoPingController {
  // Captures the context the interceptor restored from the headers, then answers per contract.
  @MessagePattern('identity.ping')
  ping(): PingReply {
    const ctx = RequestContext.current();
    seen.push({ requestId: ctx?.requestId, principal: ctx?.principal?.id });
    return { service: 'identity', version: 'test', instanceId: 'spec', time: new Date().toISOString() };
  }

  // Replies with something that breaks the contract: the interceptor must refuse to send it.
  @MessagePattern('tracking.ping')
  broken() {
    return { service: 'tracking' };
  }
}

describe('messaging on real NATS, JetStream and PostgreSQL', () => {
  let nats: PrivateNats;
  let app: INestApplication;
  let dbName: string;
  let nc: NatsConnection;

  beforeAll(async () => {
    nats = await startPrivateNats();
    dbName = uniqueName('berkas_test_messaging');
    const natsEnv = Object.assign(new NatsEnv(), { servers: [nats.url], requestTimeoutMs: 1500 });
    const dbEnv = Object.assign(new DatabaseEnv(), {
      url: TEST_INFRA.databaseUrl,
      name: dbName,
      poolSize: 4,
    });

    @Module({
      imports: [
        ConfigModule.forRoot({ nats: natsEnv, db: dbEnv }),
        PersistenceModule.forRoot({ entities: MESSAGING_ENTITIES, migrations: MESSAGING_MIGRATIONS }),
        NatsModule.forRoot('identity'),
        EventsModule,
      ],
      controllers: [EchoPingController],
    })
    class SpecModule {}

    const moduleRef = await Test.createTestingModule({ imports: [SpecModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    // Stands in for @berkas/auth's verifier: the token format is not this library's concern.
    const resolver = {
      verify: async (token: string) => {
        if (token !== 'token-of-an-officer') throw new AppError('UNAUTHENTICATED', 401, 'token rejected');
        return officer;
      },
    };
    app.useGlobalInterceptors(new RpcContextInterceptor(resolver));
    app.useGlobalFilters(new RpcErrorFilter(app.getHttpAdapter()));
    app.connectMicroservice(
      { transport: Transport.NATS, options: { servers: [nats.url], queue: 'identity' } },
      { inheritAppConfig: true },
    );
    await app.startAllMicroservices();
    await app.init();
    nc = app.get(NATS_CONNECTION);
  });

  afterAll(async () => {
    await app?.close();
    await nats?.stop();
    await dropDatabase(dbName);
  });

  describe('request/reply', () => {
    it('carries the request id and the access token in headers, and checks both ends against proto/', async () => {
      const client = app.get(ServiceClient);
      const reply = await RequestContext.run(
        { requestId: 'req-spec-0001', accessToken: 'token-of-an-officer' },
        () => client.request('identity.ping', {}),
      );
      expect(reply.service).toBe('identity');
      expect(seen.at(-1)).toEqual({ requestId: 'req-spec-0001', principal: officer.id });

      // A token the service cannot verify stops the request before the handler.
      const before = seen.length;
      await expect(
        RequestContext.run({ requestId: 'req-spec-0002', accessToken: 'forged' }, () =>
          client.request('identity.ping', {}),
        ),
      ).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
      expect(seen.length).toBe(before);

      // A reply that breaks its contract never reaches the caller as data.
      await expect(client.request('tracking.ping', {})).rejects.toMatchObject({
        code: 'INVALID_REPLY',
        status: 502, // the answering side's fault, not the caller's
      });
    });

    it('refuses a payload that breaks the contract before any handler runs', async () => {
      const client = app.get(ServiceClient);
      const before = seen.length;
      await expect(client.request('identity.ping', { admin: true } as never)).rejects.toBeInstanceOf(
        AppError,
      );
      // Also when a foreign client skips our own check and sends it raw.
      const raw = await nc.request(
        'identity.ping',
        JSON.stringify({ pattern: 'identity.ping', data: { admin: true }, id: 'x1' }),
        {
          timeout: 2000,
        },
      );
      const answer = JSON.parse(Buffer.from(raw.data).toString());
      expect(answer.err).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
      expect(answer.err.details).toEqual([{ path: '/admin', message: 'is not allowed' }]);
      expect(seen.length).toBe(before);
    });

    it('turns silence into 503 within the timeout, never a hang', async () => {
      const client = app.get(ServiceClient);
      const started = Date.now();
      await expect(client.request('permits.ping', {}, { timeoutMs: 300 })).rejects.toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        status: 503,
      });
      expect(Date.now() - started).toBeLessThan(2000);
    });
  });

  describe('outbox and JetStream', () => {
    async function collect(eventId: string, durationMs: number): Promise<JsMsg[]> {
      const jsm = await nc.jetstreamManager();
      const durable = uniqueName('spec');
      await jsm.consumers.add('BERKAS_EVENTS', {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: 'evt.identity.service-started',
      });
      const consumer = await nc.jetstream().consumers.get('BERKAS_EVENTS', durable);
      const got: JsMsg[] = [];
      const deadline = Date.now() + durationMs;
      while (Date.now() < deadline) {
        const batch = await consumer.fetch({ max_messages: 100, expires: 1000 });
        for await (const m of batch) {
          if (JSON.parse(m.string()).id === eventId) got.push(m);
          m.ack();
        }
      }
      await jsm.consumers.delete('BERKAS_EVENTS', durable);
      return got;
    }

    it('publishes a committed event exactly once, even when the relay publishes it twice', async () => {
      const ds = app.get(DataSource);
      const outbox = app.get(Outbox);
      const event = await RequestContext.run({ requestId: 'req-outbox-1' }, () =>
        ds.transaction((m) =>
          outbox.add(m, 'evt.identity.service-started', data(), { source: '/berkas/identity' }),
        ),
      );
      await waitFor(
        async () => (await ds.query('SELECT sent_at FROM outbox WHERE id = $1', [event.id]))[0]?.sent_at,
      );

      // Simulate a relay that crashed after publishing but before marking the row: it publishes again.
      await ds.query('UPDATE outbox SET sent_at = NULL WHERE id = $1', [event.id]);
      await app.get(OutboxRelay).publishPending();
      const row = (
        await ds.query('SELECT sent_at, attempts, headers FROM outbox WHERE id = $1', [event.id])
      )[0];
      expect(row.sent_at).not.toBeNull();
      expect(row.attempts).toBe(2);
      expect(row.headers).toEqual({ [HEADERS.requestId]: 'req-outbox-1' });

      const delivered = await collect(event.id, 1500);
      expect(delivered).toHaveLength(1);
      expect(delivered[0].headers?.get('Nats-Msg-Id')).toBe(event.id);
      expect(delivered[0].headers?.get(HEADERS.requestId)).toBe('req-outbox-1');
      expect(JSON.parse(delivered[0].string())).toMatchObject({
        specversion: '1.0',
        type: 'evt.identity.service-started',
      });
    });

    it("keeps one record's events in order: after a failed publish, that record's later events wait", async () => {
      const ds = app.get(DataSource);
      const [failing, after, other] = [randomUUID(), randomUUID(), randomUUID()];
      // No stream takes `nostream.>`, so JetStream refuses the first publish every time.
      await ds.query(
        `INSERT INTO outbox (id, subject, payload) VALUES
           ($1, 'nostream.refused', '{"subject": "record-a"}'),
           ($2, 'evt.identity.service-started', '{"subject": "record-a"}'),
           ($3, 'evt.identity.service-started', '{"subject": "record-b"}')`,
        [failing, after, other],
      );
      const row = async (id: string) => (await ds.query('SELECT * FROM outbox WHERE id = $1', [id]))[0];
      await waitFor(async () => (await row(other)).sent_at); // another record's event is not held up
      await waitFor(async () => (await row(failing)).last_error);
      await app.get(OutboxRelay).publishPending(); // one more pass, with the refused event still first
      expect((await row(after)).sent_at).toBeNull();
      expect(await collect(after, 500)).toHaveLength(0);
      await ds.query('DELETE FROM outbox WHERE id = ANY($1::uuid[])', [[failing, after]]);
    });

    it('never publishes an event whose transaction rolled back', async () => {
      const ds = app.get(DataSource);
      const outbox = app.get(Outbox);
      let eventId = '';
      await expect(
        ds.transaction(async (m) => {
          eventId = (
            await outbox.add(m, 'evt.identity.service-started', data(), { source: '/berkas/identity' })
          ).id;
          throw new Error('business rule failed');
        }),
      ).rejects.toThrow('business rule failed');
      expect(await ds.query('SELECT 1 FROM outbox WHERE id = $1', [eventId])).toEqual([]);
      expect(await collect(eventId, 1200)).toHaveLength(0);
    });
  });

  describe('idempotent consumer', () => {
    function fakeDelivery(event: object) {
      const hdrs = natsHeaders();
      hdrs.set(HEADERS.requestId, 'req-consumer-1');
      return {
        data: new TextEncoder().encode(JSON.stringify(event)),
        headers: hdrs,
        info: { redeliveryCount: 1 } as JsMsg['info'],
        ack: jest.fn(),
        nak: jest.fn(),
        term: jest.fn(),
      };
    }

    it('applies a redelivered event once and retries one whose handler failed', async () => {
      const ds = app.get(DataSource);
      await ds.query('CREATE TABLE IF NOT EXISTS spec_counter (event_id uuid, request_id text)');
      const consumers = app.get(IdempotentConsumers);
      let failNext = true;
      const options = {
        durable: 'spec-consumer',
        filterSubject: 'evt.identity.>',
        handle: async (event: { id: string }, m: import('typeorm').EntityManager) => {
          await m.query('INSERT INTO spec_counter VALUES ($1, $2)', [
            event.id,
            RequestContext.current()?.requestId,
          ]);
          if (failNext) {
            failNext = false;
            throw new Error('database hiccup');
          }
        },
      };
      const event = {
        specversion: '1.0',
        id: '6f1d2a8e-4b7c-4d9a-9e2f-0a1b2c3d4e5f',
        source: '/berkas/identity',
        type: 'evt.identity.service-started',
        time: new Date().toISOString(),
        datacontenttype: 'application/json',
        data: data(),
      };
      const first = fakeDelivery(event);
      expect(await consumers.process(first, options)).toBe('failed');
      expect(first.nak).toHaveBeenCalled();
      expect(await consumers.process(fakeDelivery(event), options)).toBe('applied');
      const again = fakeDelivery(event);
      expect(await consumers.process(again, options)).toBe('duplicate');
      expect(again.ack).toHaveBeenCalled();
      expect(await ds.query('SELECT event_id, request_id FROM spec_counter')).toEqual([
        { event_id: event.id, request_id: 'req-consumer-1' },
      ]);

      // An event the handler says it has nothing to do for is acknowledged untouched: no claim, no handler.
      const other = { ...event, id: '7a2e3b9f-5c8d-4e0b-8f3a-1b2c3d4e5f60' };
      const skipped = fakeDelivery(other);
      expect(await consumers.process(skipped, { ...options, skip: (e) => e.id === other.id })).toBe(
        'skipped',
      );
      expect(skipped.ack).toHaveBeenCalled();
      expect(
        await ds.query('SELECT count(*)::int AS n FROM processed_events WHERE event_id = $1', [other.id]),
      ).toEqual([{ n: 0 }]);
      expect(await ds.query('SELECT count(*)::int AS n FROM spec_counter')).toEqual([{ n: 1 }]);

      const garbage = fakeDelivery({ hello: 'world' });
      expect(await consumers.process(garbage, options)).toBe('rejected');
      expect(garbage.term).toHaveBeenCalled();
    });
  });
});
