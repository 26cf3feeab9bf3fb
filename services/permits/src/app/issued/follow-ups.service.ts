import { Readable } from 'node:stream';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Client } from 'minio';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { S3Env } from '@berkas/config';
import {
  durableConsumer,
  AppError,
  type HandoffReceipt,
  type PermitIssued,
  type AnyCloudEvent,
  type EventsMatching,
} from '@berkas/contracts';
import { IdempotentConsumers, ServiceClient } from '@berkas/messaging';
import { OBJECT_STORAGE, uploadStream } from '@berkas/storage';
import { ApplicationDossier } from '../applications/application-dossier';
import { ApplicationRecord } from '../applications/application.entity';
import { RegionAreasService } from '../areas/region-areas';
import { CatalogService } from '../catalog/catalog.service';
import { CustodyService } from '../tasks/custody.service';
import { recordWhereabouts } from '../tasks/paper-whereabouts';
import { IssuedPermitRecord } from './issued-permit.entity';
import { IssuedPermitsService } from './issued-permits.service';
import { renderPermit } from '@berkas/documents';

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
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly consumers: IdempotentConsumers,
    private readonly services: ServiceClient,
    private readonly permits: IssuedPermitsService,
    private readonly catalog: CatalogService,
    private readonly areas: RegionAreasService,
    private readonly custody: CustodyService,
    private readonly dossier: ApplicationDossier,
    @Inject(OBJECT_STORAGE) private readonly storage: Client,
    private readonly s3: S3Env,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.running.push(
      await this.consumers.start({
        ...durableConsumer('permits-follow-ups'),
        skip: (event) => !this.hasFollowUp(event),
        handle: (event, m) => this.handle(event, m),
      }),
      await this.consumers.start({
        ...durableConsumer('permits-custody'),
        handle: (event, m) => this.handoffChanged(event.data, m),
      }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.running.map((c) => c.stop()));
  }

  /**
   * Whether an event may need something done (what `handle` does, told from the event alone). Most
   * do not: an officer's action on a file whose next stages work on the digital file.
   */
  private hasFollowUp(event: AnyCloudEvent<EventsMatching<'evt.permits.>'>>): boolean {
    if (event.type === 'evt.permits.reminder-due') return false; // for people to hear, not to act on
    if (event.type !== 'evt.permits.application-changed') return true;
    const change = event.data;
    if (change.change === 'created' || change.change === 'submitted') return true;
    if (change.change === 'reassigned') return false; // an officer for another: nothing moves
    if (FINAL_OUTCOMES.has(change.status)) return true;
    // An event from before stages said whether they need the dossier counts as needing it.
    const stages = change.progress?.stages;
    return change.status === 'in-review' && (!stages || stages.some((s) => s.needsDossier !== false));
  }

  private async handle(
    event: AnyCloudEvent<EventsMatching<'evt.permits.>'>>,
    m: EntityManager,
  ): Promise<void> {
    if (event.type === 'evt.permits.permit-issued') await this.storePermit(event.data, m);
    if (event.type === 'evt.permits.application-changed') {
      const change = event.data;
      // The create opened the dossier after its commit; this does it should that have failed.
      if (change.change === 'created') await this.openDossier(change.applicationId, m);
      if (FINAL_OUTCOMES.has(change.status) && change.trackingNumber)
        await this.close(change.trackingNumber, change.status);
      // The submit activated the dossier after its commit; this does it should that have been lost.
      if (change.change === 'submitted' && change.trackingNumber) {
        await this.activate(change.trackingNumber);
        await this.sendClaimCode(change.applicationId, m);
      }
      if (change.status === 'in-review') await this.custody.dispatch(m, change.applicationId);
    }
  }

  /**
   * Custody moved: the desk learns where the paper is, a stage waiting for it starts its clock, and once a
   * decided application's paper dossier is back, its dossier can close.
   */
  private async handoffChanged(receipt: HandoffReceipt, m: EntityManager): Promise<void> {
    await recordWhereabouts(m, receipt);
    await this.custody.handoffChanged(m, receipt);
    if (receipt.status !== 'received') return;
    const decided = await m.findOneBy(ApplicationRecord, {
      trackingNumber: receipt.trackingNumber,
      status: In(['issued', 'rejected', 'withdrawn']),
    });
    if (!decided) return;
    // An issued file closes once its permit's document is stored; storePermit closes it otherwise.
    const permit = await m.findOneBy(IssuedPermitRecord, { applicationId: decided.id });
    if (decided.status !== 'issued' || permit?.documentId)
      await this.close(receipt.trackingNumber, decided.status);
  }

  /**
   * Stores the permit's document in the dossier exactly once per decision, then closes the dossier.
   * The document is rendered from the permit alone (the same bytes every time), and one already in
   * the dossier (stored before a crash) is taken instead of a second one. Its id is committed before
   * the dossier is closed, and a dossier still travelling back stays open: its receipt closes it
   * (handoffChanged). One of the two always sees the other's write, so the dossier always closes.
   */
  private async storePermit(issued: PermitIssued, m: EntityManager): Promise<void> {
    const app = await m.findOneByOrFail(ApplicationRecord, { id: issued.applicationId });
    const permit = await m.findOneByOrFail(IssuedPermitRecord, { id: issued.permitId });
    if (!app.trackingNumber) return;
    if (!permit.documentId) {
      const documentId = await this.storedPermitDocument(app, permit);
      await this.dataSource.getRepository(IssuedPermitRecord).update({ id: permit.id }, { documentId });
    }
    await this.close(app.trackingNumber, 'issued');
  }

  private async storedPermitDocument(app: ApplicationRecord, permit: IssuedPermitRecord): Promise<string> {
    const trackingNumber = app.trackingNumber ?? '';
    const dossier = await this.services.request(
      'tracking.dossiers.get',
      { trackingNumber },
      { asService: true },
    );
    const stored = dossier.documents.find((d) => d.kind === 'issued-permit');
    if (stored) return stored.id;
    const type = this.catalog.type(app.permitType);
    const places = this.areas.index(app.regionCode);
    // What the permit is for, as answered: a place by its names, not its code.
    const facts = type.form
      .filter((f) => app.form[f.name] !== undefined && f.type !== 'boolean')
      .slice(0, 8)
      .map((f): [string, string] => {
        const answer = String(app.form[f.name]);
        const place = f.type === 'area' ? places?.place(answer) : null;
        return [
          `${f.label.id} / ${f.label.en}`,
          place ? `Kel. ${place.village}, Kec. ${place.district}` : answer,
        ];
      });
    const pdf = await renderPermit(
      this.permits.toView(permit),
      facts,
      type.conditions,
      this.permits.seal.fingerprint(),
    );
    const grant = await this.services.request(
      'tracking.documents.prepare-upload',
      { trackingNumber, kind: 'issued-permit', fileName: `izin-${permit.number.replace(/\//g, '-')}.pdf` },
      { asService: true },
    );
    const object = await uploadStream(
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
        sha256: object.sha256,
        size: object.size,
        mediaType: object.type.mediaType,
      },
      { asService: true },
    );
    return doc.id;
  }

  private async openDossier(applicationId: string, m: EntityManager): Promise<void> {
    const app = await m.findOneBy(ApplicationRecord, { id: applicationId });
    if (app) await this.dossier.ensure(app, m);
  }

  /**
   * A file entered at a counter was submitted: its walk-in gets the code to claim it online (identity
   * sends it once per tracking number, so a redelivered event sends nothing twice).
   */
  private async sendClaimCode(applicationId: string, m: EntityManager): Promise<void> {
    const app = await m.findOneByOrFail(ApplicationRecord, { id: applicationId });
    if (!app.enteredBy || !app.trackingNumber) return;
    const office = await this.services.request(
      'identity.agencies.get',
      { regionCode: app.regionCode, code: app.enteredBy.agencyCode },
      { asService: true },
    );
    await this.services.request(
      'identity.counter.send-claim-code',
      { applicantId: app.applicantId, trackingNumber: app.trackingNumber, officeName: office.name },
      { asService: true },
    );
  }

  private async activate(trackingNumber: string): Promise<void> {
    await this.services.request('tracking.dossiers.activate', { trackingNumber }, { asService: true });
  }

  /** Closes the dossier; one still in transit closes when it is received (handoffChanged). */
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
      if (e instanceof AppError && e.code === 'IN_TRANSIT') {
        this.logger.log({ trackingNumber }, 'dossier still in transit; it closes when received');
        return;
      }
      this.logger.warn({ trackingNumber, error: String(e) }, 'closing the dossier failed; will retry');
      throw e;
    }
  }
}
