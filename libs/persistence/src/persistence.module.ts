import { Global, Injectable, Logger, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule, InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';
import { DatabaseEnv } from '@berkas/config';
import type { ReadinessCheck } from '@berkas/observability';
import { ensureDatabase } from './ensure-database';
import { runMigrationsLocked } from './run-migrations';
import { SnakeNamingStrategy } from './snake-naming.strategy';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type EntityList = MixedList<Function | string | EntitySchema>;

export interface PersistenceOptions {
  entities: EntityList;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: Function[];
}

const POOL_WAIT_MS = 10_000;

/** TypeORM options for a service's own database. `synchronize` is never on: the schema is the migrations. */
export function dataSourceOptions(db: DatabaseEnv, options: PersistenceOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: `${db.url.replace(/\/$/, '')}/${db.name}`,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    // A request waiting longer than this for a pooled connection fails (503) instead of hanging.
    extra: { max: db.poolSize, application_name: db.name, connectionTimeoutMillis: POOL_WAIT_MS },
  };
}

async function migrate(dataSource: DataSource): Promise<DataSource> {
  const applied = await runMigrationsLocked(dataSource);
  if (applied.length)
    new Logger('Persistence').log(`applied migrations: ${applied.map((m) => m.name).join(', ')}`);
  return dataSource;
}

/** Creates the database if missing, connects, and applies pending migrations under an advisory lock. */
export async function openDatabase(db: DatabaseEnv, options: PersistenceOptions): Promise<DataSource> {
  await ensureDatabase(db.url, db.name);
  return migrate(await new DataSource(dataSourceOptions(db, options)).initialize());
}

@Injectable()
export class PostgresReadiness implements ReadinessCheck {
  readonly name = 'postgres';
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}
  async check(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}

@Global()
@Module({})
export class PersistenceModule {
  static forRoot(options: PersistenceOptions): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [DatabaseEnv],
          useFactory: async (db: DatabaseEnv) => {
            if (await ensureDatabase(db.url, db.name))
              new Logger('Persistence').log(`created database ${db.name}`);
            return dataSourceOptions(db, options);
          },
          dataSourceFactory: async (resolved) =>
            migrate(await new DataSource(resolved as DataSourceOptions).initialize()),
        }),
      ],
      providers: [PostgresReadiness],
      exports: [PostgresReadiness],
    };
  }
}
