import { Injectable } from '@nestjs/common';
import { AppError, currentDocuments, type DocumentView, type FormField } from '@berkas/contracts';
import { ServiceClient } from '@berkas/messaging';
import { formProblems } from '../../domain/application-form';
import { RegionAreasService } from '../areas/region-areas';
import { CatalogService } from '../catalog/catalog.service';
import { ApplicationDossier } from './application-dossier';
import type { ApplicationRecord } from './application.entity';

/** A form with its place questions not required (one copy per form, so its validators are reused). */
const optionalPlaces = new WeakMap<FormField[], FormField[]>();
function placeOptional(form: FormField[]): FormField[] {
  let copy = optionalPlaces.get(form);
  if (!copy) {
    copy = form.map((f) => (f.type === 'area' ? { ...f, required: false } : f));
    optionalPlaces.set(form, copy);
  }
  return copy;
}

/** The kinds of document the dossier holds now (a withdrawn file meets no requirement). */
const kindsPresent = (all: DocumentView[]) => new Set(currentDocuments(all).map((d) => d.kind));

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
    private readonly areas: RegionAreasService,
  ) {}

  /**
   * What is missing or wrong in the application's form, held to its permit type and its region's
   * places. A file submitted before its form asked where (it names no place) is not stopped for it:
   * nobody could have answered, and an officer cannot answer for the applicant.
   */
  formProblems(app: ApplicationRecord) {
    const form = this.catalog.type(app.permitType).form;
    const before = app.submittedAt !== null && app.areaCode === null;
    return formProblems(
      before ? placeOptional(form) : form,
      app.form,
      true,
      this.areas.choices(app.regionCode),
    );
  }

  /** The documents the dossier holds (opening it first if a crash left it unopened). */
  private async documents(app: ApplicationRecord): Promise<DocumentView[]> {
    const dossier = await this.services.request(
      'tracking.dossiers.get',
      { trackingNumber: await this.dossier.ensure(app) },
      { asService: true },
    );
    return dossier.documents;
  }

  private async documentsPresent(app: ApplicationRecord): Promise<Set<string>> {
    return kindsPresent(await this.documents(app));
  }

  /** Every mandatory document present? */
  async requiredDocumentsPresent(app: ApplicationRecord): Promise<boolean> {
    const present = await this.documentsPresent(app);
    return this.catalog
      .type(app.permitType)
      .requiredDocuments.every((d) => !d.mandatory || present.has(d.kind));
  }

  /**
   * Throws 400 with every missing field and document; answers the dossier's documents otherwise
   * (every version, withdrawn ones too: what changed since a return is read from them).
   */
  async check(app: ApplicationRecord): Promise<DocumentView[]> {
    const type = this.catalog.type(app.permitType);
    const problems = this.formProblems(app);
    const documents = await this.documents(app);
    const present = kindsPresent(documents);
    for (const doc of type.requiredDocuments) {
      if (doc.mandatory && !present.has(doc.kind))
        problems.push({
          path: `/documents/${doc.kind}`,
          message: `is required: ${doc.label.id} (${doc.label.en})`,
        });
    }
    if (problems.length)
      throw new AppError('INCOMPLETE_APPLICATION', 400, 'The application is not complete yet', problems);
    return documents;
  }
}
