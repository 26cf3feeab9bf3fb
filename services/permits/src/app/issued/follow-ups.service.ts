import { Readable } from 'node:stream';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Client } from 'minio';
import type { EntityManager } from 'typeorm';
import { S3Env } from '@berkas/config';
import {
  durableConsumer,
  AppError,
  type PermitIssued,
  type AnyCloudEvent,
  type EventsMatching,
} from '@berkas/contracts';
import { IdempotentConsumers, ServiceClient } from '@berkas/messaging';
import { OBJECT_STORAGE, uploadStream } from '@berkas/storage';
import { ApplicationRecord } from '../applications/application.entity';
import { CatalogService } from '../catalog/catalog.service';
import { CustodyService } from '../tasks/custody.service';
import { IssuedPermitRecord } from './issued-permit.entity';
import { IssuedPermitsService } from './issued-permits.service';
import { renderPermit } from './permit-document';

const FINAL_OUTCOMES = new Set(['rejected', 'withdrawn']);

/**
 * What follows a decision, outside the decision's own transaction but never lost: the events are
 * consumed durably and at most once. An issued permit gets its PDF stored in the dossier and the
 * dossier closed; a rejected or withdrawn application's dossier is closed; a stage that needs the
 * paper dossier gets it handed over, and its clock starts when tracking reports the receipt.
 */
@Injectable()
export class FollowUpsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('FollowUps');
  private readonly running: Array<{ stop(): Promise<void> }> = [];

  constructor(
    private readonly consumers: IdempotentConsumers,
    private readonly services: ServiceClient,
    private readonly permits: IssuedPermitsService,
    private readonly catalog: CatalogService,
    private readonly custody: CustodyService,
    @Inject(OBJECT_STORAGE) private readonly storage: Client,
    private readonly s3: S3Env,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.running.push(
      await this.consumers.start({
        ...durableConsumer('permits-follow-ups'),
        handle: (event, m) => this.handle(event, m),
      }),
      await this.consumers.start({
        ...durableConsumer('permits-custody'),
        handle: (event, m) => this.custody.handoffChanged(m, event.data),
      }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.running.map((c) => c.stop()));
  }

  private async handle(
    event: AnyCloudEvent<EventsMatching<'evt.permits.>'>>,
    m: EntityManager,
  ): Promise<void> {
    if (event.type === 'evt.permits.permit-issued') await this.storePermit(event.data, m);
    if (event.type === 'evt.permits.application-changed') {
      const change = event.data;
      if (FINAL_OUTCOMES.has(change.status) && change.trackingNumber)
        await this.close(change.trackingNumber, change.status);
      if (change.status === 'in-review') await this.custody.dispatch(m, change.applicationId);
    }
  }

  private async storePermit(issued: PermitIssued, m: EntityManager): Promise<void> {
    const permit = await m.findOneByOrFail(IssuedPermitRecord, { id: issued.permitId });
    const app = await m.findOneByOrFail(ApplicationRecord, { id: issued.applicationId });
    if (!permit.documentId && app.trackingNumber) {
      const type = this.catalog.type(app.permitType);
      const facts = type.form
        .filter((f) => app.form[f.name] !== undefined && f.type !== 'boolean')
        .slice(0, 6)
        .map((f): [string, string] => [`${f.label.id} / ${f.label.en}`, String(app.form[f.name])]);
      const pdf = await renderPermit(
        this.permits.toView(permit),
        facts,
        type.conditions,
        this.permits.seal.fingerprint(),
      );
      const grant = await this.services.request(
        'tracking.documents.prepare-upload',
        {
          trackingNumber: app.trackingNumber,
          kind: 'issued-permit',
          fileName: `izin-${permit.number.replace(/\//g, '-')}.pdf`,
        },
        { asService: true },
      );
      const stored = await uploadStream(
        this.storage,
        this.s3.bucket,
        grant.objectKey,
        Readable.from([pdf]),
        grant,
      );
      const doc = await this.services.request(
        'tracking.documents.register',
        {
          uploadId: grant.uploadId,
          sha256: stored.sha256,
          size: stored.size,
          mediaType: stored.type.mediaType,
        },
        { asService: true },
      );
      await m.update(IssuedPermitRecord, { id: permit.id }, { documentId: doc.id });
    }
    if (app.trackingNumber) await this.close(app.trackingNumber, 'issued');
  }

  private async close(
    trackingNumber: string,
    outcome: 'issued' | 'rejected' | 'withdrawn' | string,
  ): Promise<void> {
    try {
      await this.services.request(
        'tracking.dossiers.close',
        { trackingNumber, outcome: outcome as 'issued' },
        { asService: true },
      );
    } catch (e) {
      if (e instanceof AppError && e.code === 'ALREADY_CLOSED') return; // a redelivery after the close went through
      this.logger.warn({ trackingNumber, error: String(e) }, 'closing the dossier failed; will retry');
      throw e;
    }
  }
}
