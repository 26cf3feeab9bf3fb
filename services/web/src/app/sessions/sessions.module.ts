import { Global, Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { WebEnv, WebSessionEnv } from '@berkas/config';
import { CsrfGuard } from './csrf';
import { PersonSession } from './person-session';
import { sessionMiddleware } from './session-middleware';
import { SignInPruner } from './sign-in-pruner';
import { SignedInGuard } from './signed-in.guard';
import { SignIns } from './sign-ins';

/** Sessions in PostgreSQL, the sign-ins they name, and CSRF checks on every post. */
@Global()
@Module({
  providers: [
    SignIns,
    PersonSession,
    SignedInGuard,
    SignInPruner,
    { provide: APP_GUARD, useClass: CsrfGuard },
  ],
  exports: [PersonSession, SignedInGuard],
})
export class SessionsModule implements NestModule {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly http: WebEnv,
    private readonly env: WebSessionEnv,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(sessionMiddleware(this.dataSource, this.http, this.env)).forRoutes('{*path}');
  }
}
