import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { DatabaseEnv } from '@berkas/config';
import { validateSignal } from '@berkas/contracts';
import { NATS_CONNECTION, PostgresListener } from '@berkas/messaging';
import { PUBLIC_VIEW_CHANNEL } from '../../migrations/1764100000000-NotifyPublicViewChanges';

const SUBJECT = 'sig.tracking.public-view-changed';

/**
 * Forwards the database's "this dossier changed" notifications as NATS signals, so every gateway
 * drops its cached public view of that dossier within milliseconds of the commit. Signals are
 * at-most-once: a gateway's cache also expires on its own, which bounds what a lost one costs.
 */
@Injectable()
export class PublicViewSignals implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PublicViewSignals');
  private readonly listener: PostgresListener;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    db: DatabaseEnv,
  ) {
    this.listener = new PostgresListener(
      db,
      PUBLIC_VIEW_CHANNEL,
      { onNotify: (trackingNumber) => this.signal(trackingNumber) },
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    this.listener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener.stop();
  }

  private signal(trackingNumber: string): void {
    try {
      const data = validateSignal(SUBJECT, { trackingNumber });
      if (!this.nc.isClosed()) this.nc.publish(SUBJECT, JSON.stringify(data));
    } catch (e) {
      this.logger.warn({ trackingNumber, error: String(e) }, 'public view signal not sent');
    }
  }
}
