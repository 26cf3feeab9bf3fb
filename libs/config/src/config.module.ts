import { Global, Module, type DynamicModule } from '@nestjs/common';

/**
 * Makes each loaded section injectable by its class, e.g. `constructor(private db: DatabaseEnv)`.
 * Loaded once in main.ts, before Nest starts, so a bad setting stops the process before any I/O.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: object): DynamicModule {
    const providers = Object.values(config as Record<string, object>).map((section) => ({
      provide: section.constructor,
      useValue: section,
    }));
    return { module: ConfigModule, providers, exports: providers };
  }
}
