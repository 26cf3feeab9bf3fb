import { type INestApplication, type ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { Logger } from 'nestjs-pino';
import type { NatsEnv } from '@berkas/config';
import { httpMetricsMiddleware, requestContextMiddleware } from '@berkas/observability';
import { PRINCIPAL_RESOLVER, RpcContextInterceptor, type PrincipalResolver } from './rpc-context.interceptor';
import { natsConnectionOptions } from './nats.module';
import { RpcErrorFilter } from './rpc-exception.filter';
import { SERVICE_IDENTITY, type ServiceIdentity } from './service-identity';

function optional<T>(app: INestApplication, token: symbol): T | undefined {
  try {
    return app.get<T>(token, { strict: false });
  } catch {
    return undefined;
  }
}

export interface ServiceBootstrap {
  service: string;
  module: NonNullable<ModuleMetadata['imports']>[number];
  http: { port: number; host: string };
  /** Backend services also serve NATS requests in their queue group; the gateway does not. */
  nats?: NatsEnv;
  /** Express-level set-up before the app initialises (the gateway's protection and API docs). */
  configure?: (app: INestApplication) => void;
  /** false: no body parsers but those `configure` sets (the web service forwards API bodies unread). */
  bodyParser?: boolean;
}

/**
 * Starts a Nest application the same way for every service: JSON logs, request ids on HTTP, the
 * NATS microservice in a queue group named after the service (so replicas share the load and one
 * dying loses nothing), graceful shutdown on SIGTERM/SIGINT.
 */
export async function bootstrapService(options: ServiceBootstrap): Promise<INestApplication> {
  // abortOnError: false makes a failed start throw (to main.ts, which exits non-zero) instead of exiting here.
  const app = await NestFactory.create(options.module, {
    bufferLogs: true,
    abortOnError: false,
    bodyParser: options.bodyParser ?? true,
  });
  app.useLogger(app.get(Logger));
  app.use(requestContextMiddleware, httpMetricsMiddleware);
  app.enableShutdownHooks();
  options.configure?.(app);
  if (options.nats) {
    // connectMicroservice registers its handlers at once with the globals set so far: set them first.
    app.useGlobalInterceptors(
      new RpcContextInterceptor(
        optional<PrincipalResolver>(app, PRINCIPAL_RESOLVER),
        optional<ServiceIdentity>(app, SERVICE_IDENTITY),
      ),
    );
    app.useGlobalFilters(new RpcErrorFilter(app.getHttpAdapter()));
    app.connectMicroservice<MicroserviceOptions>(
      {
        transport: Transport.NATS,
        options: {
          ...natsConnectionOptions(options.nats, `${options.service}-server`),
          queue: options.service,
        },
      },
      { inheritAppConfig: true },
    );
    // Finish start-up (migrations, seeding, buckets) before taking requests from the queue group.
    await app.init();
    await app.startAllMicroservices();
  }
  await app.listen(options.http.port, options.http.host);
  app
    .get(Logger)
    .log(`${options.service} listening on ${options.http.host}:${options.http.port}`, 'Bootstrap');
  return app;
}

/** For main.ts: starts the service, or prints why it could not and exits non-zero. */
export function runService(options: ServiceBootstrap): void {
  bootstrapService(options).catch((e: unknown) => {
    process.stderr.write(
      `${options.service} failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    process.exit(1);
  });
}
