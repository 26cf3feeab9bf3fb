import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule, NatsEnv } from '@berkas/config';
import type { RequestMap, RequestSubject } from '@berkas/contracts';
import { NatsModule } from './nats.module';
import { ServiceClient } from './service-client';
import { RequestContext } from '@berkas/observability';

export interface StandaloneClient {
  /**
   * A request as a signed-in user would send it through the gateway (token optional), from the
   * client address the gateway saw (optional).
   */
  request<S extends RequestSubject>(
    subject: S,
    payload: RequestMap[S]['request'],
    accessToken?: string,
    from?: { clientAddress: string },
  ): Promise<RequestMap[S]['reply']>;
  close(): Promise<void>;
}

/**
 * The typed ServiceClient outside a service: for tests, benchmarks and scripts that talk to the
 * services over NATS exactly as the gateway does.
 */
export async function createStandaloneClient(natsUrl: string): Promise<StandaloneClient> {
  const env = Object.assign(new NatsEnv(), { servers: [natsUrl], requestTimeoutMs: 10000 });
  @Module({ imports: [ConfigModule.forRoot({ nats: env }), NatsModule.forRoot('standalone-client')] })
  class StandaloneClientModule {}
  const app: INestApplicationContext = await NestFactory.createApplicationContext(StandaloneClientModule, {
    logger: false,
  });
  const client = app.get(ServiceClient);
  let n = 0;
  return {
    request: (subject, payload, accessToken, from) =>
      RequestContext.run(
        { requestId: `standalone-${process.pid}-${++n}`, accessToken, clientAddress: from?.clientAddress },
        () => client.request(subject, payload),
      ),
    close: () => app.close(),
  };
}
