import { Injectable } from '@nestjs/common';
import { AppError } from '@berkas/contracts';
import { ServiceClient } from '@berkas/messaging';
import { formProblems } from '../../domain/application-form';
import { CatalogService } from '../catalog/catalog.service';
import { ApplicationDossier } from './application-dossier';
import type { ApplicationRecord } from './application.entity';

/**
 * Whether an application is complete: its form, and the documents its permit type requires, as the
 * dossier in tracking holds them. Asked before a transition's transaction, never inside its lock.
 */
@Injectable()
export class ApplicationCompleteness {
  constructor(
    private readonly catalog: CatalogService,
    private readonly services: ServiceClient,
    private readonly dossier: ApplicationDossier,
  ) {}

  /** The kinds of document the dossier holds (opening it first if a crash left it unopened). */
  private async documentsPresent(app: ApplicationRecord): Promise<Set<string>> {
    const dossier = await this.services.request(
      'tracking.dossiers.get',
      { trackingNumber: await this.dossier.ensure(app) },
      { asService: true },
    );
    return new Set(dossier.documents.map((d) => d.kind));
  }

  /** Every mandatory document present? */
  async requiredDocumentsPresent(app: ApplicationRecord): Promise<boolean> {
    const present = await this.documentsPresent(app);
    return this.catalog
      .type(app.permitType)
      .requiredDocuments.every((d) => !d.mandatory || present.has(d.kind));
  }

  /** Throws 400 with every missing field and document. */
  async check(app: ApplicationRecord): Promise<void> {
    const type = this.catalog.type(app.permitType);
    const problems = formProblems(type.form, app.form, true);
    const present = await this.documentsPresent(app);
    for (const doc of type.requiredDocuments) {
      if (doc.mandatory && !present.has(doc.kind))
        problems.push({
          path: `/documents/${doc.kind}`,
          message: `is required: ${doc.label.id} (${doc.label.en})`,
        });
    }
    if (problems.length)
      throw new AppError('INCOMPLETE_APPLICATION', 400, 'The application is not complete yet', problems);
  }
}
