import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ServiceClient } from '@berkas/messaging';
import { CatalogService } from '../catalog/catalog.service';
import { ApplicationLedger } from '../ledger/application-ledger';
import type { ApplicationRecord } from './application.entity';

/**
 * The application's dossier in tracking. The draft is committed first, naming the dossier's id;
 * tracking opens the dossier with that id afterwards, outside any lock. Opening by id is idempotent,
 * so whoever gets there first (the create itself, the follow-ups consumer on the draft's event, or a
 * document or submit that needs the dossier) opens the one dossier, and a crash in between leaves a
 * draft still waiting for its dossier, never a dossier without its application.
 */
@Injectable()
export class ApplicationDossier {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: CatalogService,
    private readonly ledger: ApplicationLedger,
    private readonly services: ServiceClient,
  ) {}

  /** The dossier's tracking number, opening the dossier first if it is not open yet. */
  async ensure(app: ApplicationRecord, m: EntityManager = this.dataSource.manager): Promise<string> {
    if (app.trackingNumber) return app.trackingNumber;
    if (!app.dossierId) throw new Error(`application ${app.id} names no dossier to open`);
    const type = this.catalog.type(app.permitType);
    const dossier = await this.services.request(
      'tracking.dossiers.open',
      {
        id: app.dossierId,
        title: `Permohonan ${type.name.id}`,
        kind: 'permit-application',
        originAgencyId: app.issuingAgencyId,
        confidentiality: 'internal',
        applicantId: app.applicantId,
        ...(app.companyId ? { companyId: app.companyId } : {}),
        permitType: { code: type.code, name: type.name },
        // Documents may be added from now on; the office and the public see it once submitted.
        draft: true,
        // Every upload to the dossier, by whichever route, is held to the permit type's documents.
        documentRules: type.requiredDocuments.map((d) => ({
          kind: d.kind,
          ...(d.maxBytes ? { maxBytes: d.maxBytes } : {}),
          ...(d.allowedTypes ? { allowedTypes: d.allowedTypes } : {}),
          ...(d.maxFiles ? { maxFiles: d.maxFiles } : {}),
        })),
      },
      { asService: true },
    );
    await this.ledger.attachDossier(m, app.id, dossier.trackingNumber);
    app.trackingNumber = dossier.trackingNumber;
    return dossier.trackingNumber;
  }
}
