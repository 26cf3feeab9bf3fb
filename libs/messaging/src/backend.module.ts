import type { DynamicModule, Type } from '@nestjs/common';
import { ConfigModule, type ServiceConfig } from '@berkas/config';
import { HealthModule, LoggingModule, MetricsModule, type ReadinessCheck } from '@berkas/observability';
import { PersistenceModule, PostgresReadiness, type EntityList } from '@berkas/persistence';
import { MESSAGING_ENTITIES } from './outbox.entity';
import { MESSAGING_MIGRATIONS } from './migrations';
import { NatsModule, NatsReadiness } from './nats.module';
import { SystemModule, type BackendService } from './system.module';

export interface BackendCoreOptions<N extends BackendService> {
  service: N;
  config: ServiceConfig<N>;
  /** The service's own entities and migrations; the messaging tables are added here. */
  entities: EntityList;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: Function[];
  /** Further dependencies `/health/ready` must see answering (e.g. object storage). */
  readiness?: Type<ReadinessCheck>[];
  /** Modules providing those checks. */
  imports?: DynamicModule['imports'];
}

/**
 * What every backend service is made of besides its domain: config, JSON logs, metrics, its own
 * database with migrations, NATS with the outbox, `<service>.ping`, and health checks.
 */
export function backendCore<N extends BackendService>(
  options: BackendCoreOptions<N>,
): NonNullable<DynamicModule['imports']> {
  return [
    ConfigModule.forRoot(options.config),
    LoggingModule.forRoot(options.service, options.config.runtime),
    MetricsModule.forRoot(options.service),
    PersistenceModule.forRoot({
      entities: [...MESSAGING_ENTITIES, ...(options.entities as unknown[])] as EntityList,
      migrations: [...MESSAGING_MIGRATIONS, ...options.migrations],
    }),
    NatsModule.forRoot(options.service),
    SystemModule.forService(options.service),
    ...(options.imports ?? []),
    HealthModule.forRoot([PostgresReadiness, NatsReadiness, ...(options.readiness ?? [])]),
  ];
}
