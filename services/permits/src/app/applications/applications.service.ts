import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { actorOf } from '@berkas/auth';
import {
  AppError,
  currentDocuments,
  decodeCursor,
  encodeCursor,
  type Application,
  type ApplicationDocuments,
  type ApplicationHistory,
  type ApplicationHistoryVerification,
  type ApplicationPage,
  type CreateApplicationRequest,
  type IssuedPermit,
  type ListApplicationsRequest,
  type PrepareApplicationDocumentRequest,
  type RegisterApplicationDocumentRequest,
  type RemoveApplicationDocumentRequest,
  type DocumentView,
  type UploadGrant,
  type Principal,
  type UpdateApplicationRequest,
} from '@berkas/contracts';
import { IdempotentTransactions, ServiceClient } from '@berkas/messaging';
import { areaNamed, formProblems } from '../../domain/application-form';
import { RegionAreasService } from '../areas/region-areas';
import { CatalogService } from '../catalog/catalog.service';
import { IssuedPermitsService } from '../issued/issued-permits.service';
import { ApplicationLedger, NEWEST_FIRST } from '../ledger/application-ledger';
import type { TaskRecord } from '../tasks/task.entity';
import { canView, noApplication, requireApplicant, visibleApplication } from './application-access';
import { ApplicationDossier } from './application-dossier';
import { ApplicationRecord } from './application.entity';
import { toApplication } from './application-view';

/**
 * An application outside its workflow moves (transitions/): the draft, its form and documents, reading
 * it and its history, the permit it led to.
 */
@Injectable()
export class ApplicationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: CatalogService,
    private readonly ledger: ApplicationLedger,
    private readonly services: ServiceClient,
    private readonly issued: IssuedPermitsService,
    private readonly transactions: IdempotentTransactions,
    private readonly dossier: ApplicationDossier,
    private readonly areas: RegionAreasService,
  ) {}

  private readonly logger = new Logger('Applications');

  async create(p: Principal | undefined, req: CreateApplicationRequest): Promise<Application> {
    const applicant = requireApplicant(p);
    const type = this.catalog.type(req.permitType);
    const problems = formProblems(type.form, req.form ?? {}, false, this.areas.choices(req.regionCode));
    if (problems.length) throw new AppError('VALIDATION_FAILED', 400, 'The form has problems', problems);
    const workflow = await this.catalog.current(type.workflow);
    const issuing = await this.services
      .request(
        'identity.agencies.get',
        { regionCode: req.regionCode, code: type.issuingAgency },
        { asService: true },
      )
      .catch((e) => {
        throw e instanceof AppError && e.status === 404
          ? AppError.invalid('/regionCode', `has no ${type.issuingAgency} to issue ${type.code}`)
          : e;
      });
    let created: ApplicationRecord | undefined; // unset when a retry with its Idempotency-Key replays the reply
    const reply = await this.transactions.run(async (m) => {
      const now = new Date();
      const draft = m.create(ApplicationRecord, {
        id: randomUUID(),
        permitType: type.code,
        regionCode: req.regionCode,
        applicantId: applicant.id,
        companyId: applicant.companyId ?? null,
        applicantName: applicant.name ?? '',
        // A company's permit is the company's, whichever member applied.
        holderName: applicant.companyName ?? applicant.name ?? '',
        status: 'draft',
        form: req.form ?? {},
        areaCode: areaNamed(type.form, req.form ?? {}),
        // Tracking opens the dossier with this id after the commit (ApplicationDossier).
        dossierId: randomUUID(),
        trackingNumber: null,
        issuingAgencyId: issuing.id,
        workflowCode: workflow.code,
        workflowVersion: workflow.version,
        flow: null,
        serviceClock: [],
        submittedAt: null,
        completeAt: null,
        dueAt: null,
        outcome: null,
        fee: null,
        correction: null,
        enteredBy: applicant.assistedBy ?? null,
        createdAt: now,
        updatedAt: now,
      });
      await this.ledger.insert(
        m,
        draft,
        {
          type: 'created',
          actor: actorOf(applicant),
          data: { permitType: type.code, workflowVersion: workflow.version },
        },
        // The follow-ups consumer opens the dossier from this should this process stop before it does.
        [
          {
            type: 'evt.permits.application-changed',
            data: { applicationId: draft.id, permitType: type.code, status: 'draft', change: 'created' },
            subject: draft.id,
          },
        ],
      );
      created = draft;
      return toApplication(draft, workflow.definition, []);
    });
    // Documents need the dossier; if tracking cannot open it now, the first document or the consumer will.
    if (created)
      await this.dossier.ensure(created).catch((e) => {
        this.logger.warn(
          { applicationId: reply.id, error: String(e) },
          'dossier not opened yet; retried later',
        );
      });
    return reply;
  }

  async update(p: Principal | undefined, req: UpdateApplicationRequest): Promise<Application> {
    const applicant = requireApplicant(p);
    const { type, regionCode } = await this.typeOf(req.id);
    const problems = formProblems(type.form, req.form, false, this.areas.choices(regionCode));
    if (problems.length) throw new AppError('VALIDATION_FAILED', 400, 'The form has problems', problems);
    return this.transactions.run(async (m) => {
      const locked = await this.ledger.lock(m, req.id);
      if (!locked || !(await canView(m, applicant, locked.app))) throw noApplication();
      if (locked.app.status !== 'draft' && locked.app.status !== 'returned')
        throw new AppError('NOT_EDITABLE', 409, 'Only a draft or a returned application can be changed');
      const open = await this.ledger.commit(m, locked, {
        app: { form: req.form, areaCode: areaNamed(type.form, req.form), updatedAt: new Date() },
        history: [
          { type: 'form-updated', actor: actorOf(applicant), data: { fields: Object.keys(req.form) } },
        ],
      });
      return this.view(m, locked.app, open);
    });
  }

  /** The permit type and region of an application that exists (its form is checked before any lock). */
  private async typeOf(id: string) {
    const app = await this.dataSource.manager.findOneBy(ApplicationRecord, { id });
    if (!app) throw noApplication();
    return { type: this.catalog.type(app.permitType), regionCode: app.regionCode };
  }

  /**
   * A grant to upload one document into the application's dossier while it is a draft or returned for
   * correction, of a kind its permit type asks for. Tracking holds the upload to the permit type's
   * limits (the dossier's document rules) and, since permits vouches for the applicant, lets only
   * permits register it: registerDocument checks again that the application may take it then.
   */
  async prepareDocument(
    p: Principal | undefined,
    req: PrepareApplicationDocumentRequest,
  ): Promise<UploadGrant> {
    const { applicant, app } = await this.editableBy(p, req.id);
    if (!this.catalog.type(app.permitType).requiredDocuments.some((d) => d.kind === req.kind))
      throw AppError.invalid('/kind', `is not a document ${app.permitType} asks for`);
    return this.services.request(
      'tracking.documents.prepare-upload',
      {
        trackingNumber: await this.dossier.ensure(app),
        kind: req.kind,
        fileName: req.fileName,
        uploader: actorOf(applicant),
        ...(req.replaces ? { replaces: req.replaces } : {}),
      },
      { asService: true },
    );
  }

  /** Withdraws a file from a draft's or a returned application's documents (a wrong photo). */
  async removeDocument(
    p: Principal | undefined,
    req: RemoveApplicationDocumentRequest,
  ): Promise<DocumentView> {
    const { applicant, app } = await this.editableBy(p, req.id);
    return this.services.request(
      'tracking.documents.withdraw',
      { trackingNumber: await this.dossier.ensure(app), documentId: req.documentId, by: actorOf(applicant) },
      { asService: true },
    );
  }

  /** Records an uploaded document, if the application still takes documents now the bytes are stored. */
  async registerDocument(
    p: Principal | undefined,
    req: RegisterApplicationDocumentRequest,
  ): Promise<DocumentView> {
    await this.editableBy(p, req.id);
    const { id: _, ...upload } = req;
    return this.services.request('tracking.documents.register', upload, { asService: true });
  }

  /** The documents in the application's dossier, for whoever may see the application (a draft's too). */
  async documents(p: Principal | undefined, id: string): Promise<ApplicationDocuments> {
    const app = await visibleApplication(this.dataSource.manager, p, id);
    const dossier = await this.services.request(
      'tracking.dossiers.get',
      { trackingNumber: await this.dossier.ensure(app) },
      { asService: true },
    );
    // The dossier keeps every version; a requirement is met by the files current now. An officer's
    // attachment to an action meets none: the action's history entry names it.
    return {
      items: currentDocuments(dossier.documents).filter((d) => d.kind !== 'action-attachment'),
    };
  }

  /** The applicant's application, while it is a draft or returned for correction. */
  private async editableBy(p: Principal | undefined, id: string) {
    const applicant = requireApplicant(p);
    const app = await visibleApplication(this.dataSource.manager, applicant, id);
    if (app.status !== 'draft' && app.status !== 'returned')
      throw new AppError('NOT_EDITABLE', 409, 'Documents can be added to a draft or a returned application');
    return { applicant, app };
  }

  /** The permit issued for an application, for whoever may see the application. */
  async permit(p: Principal | undefined, id: string): Promise<IssuedPermit> {
    const m = this.dataSource.manager;
    return this.issued.forApplication(p, id, async () => {
      const app = await m.findOneBy(ApplicationRecord, { id });
      return !!app && (await canView(m, p, app));
    });
  }

  async revokePermit(p: Principal | undefined, id: string, reason: string): Promise<IssuedPermit> {
    const actor = actorOf(p);
    return this.issued.revoke(p, id, reason.trim(), async (m, data) => {
      const locked = await this.ledger.lock(m, id);
      if (!locked) throw noApplication();
      await this.ledger.commit(m, locked, { history: [{ type: 'permit-revoked', actor, data }] });
    });
  }

  /** The application's history, oldest first, for the officers of agencies it passes through (proto: callers). */
  async history(p: Principal | undefined, id: string): Promise<ApplicationHistory> {
    const m = this.dataSource.manager;
    const app = await visibleApplication(m, p, id);
    const entries = await this.ledger.history(m, app.id);
    return {
      applicationId: app.id,
      entries: entries.map(({ seq, type, occurredAt, actor, data, hash }) => ({
        seq,
        type,
        occurredAt,
        actor,
        data,
        hash,
      })),
    };
  }

  /** Recomputes the application's hash chain, for whoever may see the application. */
  async verifyHistory(p: Principal | undefined, id: string): Promise<ApplicationHistoryVerification> {
    const m = this.dataSource.manager;
    const app = await visibleApplication(m, p, id);
    const check = await this.ledger.verify(m, app);
    return {
      applicationId: app.id,
      entries: check.entries,
      intact: !check.firstBroken,
      firstBroken: check.firstBroken,
      headHash: check.headHash,
    };
  }

  async get(p: Principal | undefined, id: string): Promise<Application> {
    const m = this.dataSource.manager;
    return this.view(m, await visibleApplication(m, p, id));
  }

  async list(p: Principal | undefined, req: ListApplicationsRequest): Promise<ApplicationPage> {
    const applicant = requireApplicant(p);
    const limit = req.limit ?? 20;
    const owner = applicant.companyId
      ? { companyId: applicant.companyId }
      : { applicantId: applicant.id, enteredBy: applicant.assistedBy?.id };
    const m = this.dataSource.manager;
    const rows = await this.ledger.page(m, owner, decodeCursor(req.after, NEWEST_FIRST), limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const open = await this.ledger.openTasksOf(
      m,
      page.map((a) => a.id),
    );
    return {
      items: await Promise.all(page.map((a) => this.view(m, a, open.get(a.id)))),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor(NEWEST_FIRST, [last.createdAt.toISOString(), last.id])
          : null,
    };
  }

  /** The application as its reader sees it; `open` saves the query when the caller has its open tasks. */
  async view(m: EntityManager, app: ApplicationRecord, open?: TaskRecord[]): Promise<Application> {
    const def = await this.catalog.version(app.workflowCode, app.workflowVersion);
    return toApplication(app, def, open ?? (await this.ledger.openTasks(m, app.id)));
  }
}
