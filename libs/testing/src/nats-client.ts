import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule, NatsEnv } from '@berkas/config';
import type { RequestMap, RequestSubject } from '@berkas/contracts';
import { NatsModule, ServiceClient } from '@berkas/messaging';
import { RequestContext } from '@berkas/observability';

export interface TestClient {
  /** A request as a signed-in user would send it through the gateway (token optional). */
  request<S extends RequestSubject>(subject: S, payload: RequestMap[S]['request'], accessToken?: string): Promise<RequestMap[S]['reply']>;
  close(): Promise<void>;
}

/** The same typed ServiceClient the services use, for tests that talk to a service over NATS. */
export async function createTestClient(natsUrl: string): Promise<TestClient> {
  const env = Object.assign(new NatsEnv(), { servers: [natsUrl], requestTimeoutMs: 10000 });
  @Module({ imports: [ConfigModule.forRoot({ nats: env }), NatsModule.forRoot('test-client')] })
  class TestClientModule {}
  const app: INestApplicationContext = await NestFactory.createApplicationContext(TestClientModule, { logger: false });
  const client = app.get(ServiceClient);
  let n = 0;
  return {
    request: (subject, payload, accessToken) =>
      RequestContext.run({ requestId: `test-${process.pid}-${++n}`, accessToken }, () => client.request(subject, payload)),
    close: () => app.close(),
  };
}
