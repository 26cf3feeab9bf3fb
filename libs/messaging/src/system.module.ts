import { hostname } from 'node:os';
import {
  Controller,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Handles } from './handles.decorator';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { APP_VERSION } from '@berkas/config';
import type { PingReply } from '@berkas/contracts';
import { EventsModule } from './events.module';
import { Outbox } from './outbox.service';

export type BackendService = 'identity' | 'tracking' | 'permits' | 'notifications';

export const INSTANCE_ID = `${hostname()}:${process.pid}`;

function pingController(service: BackendService) {
  @Controller()
  class PingController {
    /** Proves the service is reachable over NATS and says which replica answered. */
    @Handles(`${service}.ping`)
    ping(): PingReply {
      return { service, version: APP_VERSION, instanceId: INSTANCE_ID, time: new Date().toISOString() };
    }
  }
  return PingController;
}

function startedAnnouncer(service: BackendService) {
  /** Records each replica start as an event, so deployments show up in the event history. */
  @Injectable()
  class ServiceStartedAnnouncer implements OnApplicationBootstrap {
    constructor(
      @InjectDataSource() private readonly dataSource: DataSource,
      private readonly outbox: Outbox,
    ) {}

    async onApplicationBootstrap(): Promise<void> {
      const event = await this.dataSource.transaction((manager) =>
        this.outbox.add(
          manager,
          `evt.${service}.service-started`,
          { service, version: APP_VERSION, instanceId: INSTANCE_ID, startedAt: new Date().toISOString() },
          { source: `/berkas/${service}`, subject: INSTANCE_ID },
        ),
      );
      new Logger('System').log({ eventId: event.id }, `${service} ${APP_VERSION} started`);
    }
  }
  return ServiceStartedAnnouncer;
}

/** `<service>.ping` over NATS and the service-started event; every backend service imports it. */
@Module({})
export class SystemModule {
  static forService(service: BackendService): DynamicModule {
    return {
      module: SystemModule,
      imports: [EventsModule],
      controllers: [pingController(service)],
      providers: [startedAnnouncer(service)],
    };
  }
}
