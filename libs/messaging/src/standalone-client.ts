import { Inject, Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { ModuleRef, NestFactory } from '@nestjs/core';
import { ConfigModule, NatsEnv } from '@berkas/config';
import type { RequestMap, RequestSubject, ServiceName } from '@berkas/contracts';
import { SERVICE_IDENTITY, type ServiceIdentity } from './service-identity';
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

const STAND_IN = Symbol('STAND_IN');

/**
 * Stands in for a service's own credentials: asks identity for its tokens the way that service does
 * (on `identity.service-tokens.<service>`, which NATS lets only that service's user publish to).
 */
@Injectable()
class StandInServiceIdentity implements ServiceIdentity {
  constructor(
    @Inject(STAND_IN) readonly name: ServiceName,
    private readonly moduleRef: ModuleRef,
  ) {}
  async tokenFor(audience: ServiceName): Promise<string> {
    const client = this.moduleRef.get(ServiceClient, { strict: false });
    const subject = `identity.service-tokens.${this.name}` as 'identity.service-tokens.permits';
    return (await client.request(subject, { audience })).token;
  }
  verify(): Promise<ServiceName> {
    return Promise.reject(new Error('a stand-in verifies no service tokens'));
  }
}
/**
 * The typed ServiceClient outside a service: for tests, benchmarks and scripts that talk to the
 * services over NATS exactly as the gateway does; with `as`, also as that service acting on its own
 * (where a request carries no person's token).
 */
export async function createStandaloneClient(
  natsUrl: string,
  options: { as?: ServiceName; natsOptions?: Partial<NatsEnv> } = {},
): Promise<StandaloneClient> {
  const env = Object.assign(
    new NatsEnv(),
    { servers: [natsUrl], requestTimeoutMs: 10000 },
    options.natsOptions,
  );
  @Module({
    imports: [ConfigModule.forRoot({ nats: env }), NatsModule.forRoot('standalone-client')],
    providers: options.as
      ? [
          { provide: STAND_IN, useValue: options.as },
          StandInServiceIdentity,
          { provide: SERVICE_IDENTITY, useExisting: StandInServiceIdentity },
        ]
      : [],
  })
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
