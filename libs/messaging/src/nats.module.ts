import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { connect, type ConnectionOptions, type NatsConnection } from 'nats';
import { NatsEnv } from '@berkas/config';
import type { ReadinessCheck } from '@berkas/observability';
import { NATS_CONNECTION } from './nats-connection';
import { ServiceClient } from './service-client';

export { NATS_CONNECTION };

/**
 * How a service connects to NATS: as its own user, with replies to its requests on inboxes under
 * its own prefix (the only inboxes its user may read), reconnecting forever: a replica should ride
 * out a NATS node restarting, not exit. Nest's microservice transport takes the same options.
 */
export function natsConnectionOptions(env: NatsEnv, name: string): ConnectionOptions {
  return {
    servers: env.servers,
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: true,
    // No stack captured per request for a timeout's trace: ServiceClient's errors name the subject,
    // and the capture cost the gateway about 2% of its CPU under the desk benchmark.
    noAsyncTraces: true,
    ...(env.user ? { user: env.user, pass: env.password, inboxPrefix: `_INBOX_${env.user}` } : {}),
  };
}

export async function connectNats(env: NatsEnv, name: string): Promise<NatsConnection> {
  return connect(natsConnectionOptions(env, name));
}

@Injectable()
export class NatsReadiness implements ReadinessCheck, OnApplicationShutdown {
  readonly name = 'nats';
  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}
  async check(): Promise<void> {
    if (this.nc.isClosed()) throw new Error('connection closed');
    await this.nc.flush();
  }
  async onApplicationShutdown(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
  }
}

/**
 * NATS for a service: one connection for JetStream, signals, readiness and the typed ServiceClient's
 * requests (the service's own handlers listen on Nest's microservice connection).
 */
@Global()
@Module({})
export class NatsModule {
  static forRoot(service: string): DynamicModule {
    return {
      module: NatsModule,
      providers: [
        {
          provide: NATS_CONNECTION,
          inject: [NatsEnv],
          useFactory: async (env: NatsEnv) => {
            const nc = await connectNats(env, service);
            new Logger('Nats').log(`connected to ${nc.getServer()}`);
            return nc;
          },
        },
        NatsReadiness,
        ServiceClient,
      ],
      exports: [NATS_CONNECTION, NatsReadiness, ServiceClient],
    };
  }
}
