import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { actorOf, currentService, requirePrincipal } from '@berkas/auth';
import {
  AppError,
  decodeCursor,
  encodeCursor,
  type Application,
  type ApplicationPage,
  type CreateApplicationRequest,
  type IssuedPermit,
  type ListApplicationsRequest,
  type PrepareApplicationDocumentRequest,
  type RegisterApplicationDocumentRequest,
  type DocumentView,
  type UploadGrant,
  type Principal,
  type UpdateApplicationRequest,
} from '@berkas/contracts';
import { IdempotentTransactions, ServiceClient } from '@berkas/messaging';
import { formProblems } from '../../domain/application-form';
import { resubmit, start, withdraw, type Transition } from '../../domain/workflow-engine';
import { CatalogService } from '../catalog/catalog.service';
import { IssuedPermitsService } from '../issued/issued-permits.service';
import { TaskRecord } from '../tasks/task.entity';
import { ApplicationRecord } from './application.entity';
import { toApplication } from './application-view';
import { lockApplication } from './lock-application';
import { openTasksOf, WorkflowRunner } from './workflow-runner.service';

/** Newest first: keyset (created_at, id). */
const NEWEST_FIRST = ['timestamp', 'uuid'] as const;

const notFound = () => new AppError('NOT_FOUND', 404, 'No such application');

/** An applicant's side of an application: draft, form, documents, submit, answer corrections, withdraw. */
@Injectable()
export class ApplicationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: CatalogService,
    private readonly runner: WorkflowRunner,
    private readonly services: ServiceClient,
    private readonly issued: IssuedPermitsService,
    private readonly transactions: IdempotentTransactions,
  ) {}

  async create(p: Principal | undefined, req: CreateApplicationRequest): Promise<Application> {
    const applicant = this.requireApplicant(p);
    const type = this.catalog.type(req.permitType);
    const problems = formProblems(type.form, req.form ?? {}, false);
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
    return this.transactions.run(async (m) => {
      // The dossier exists from the draft on, so documents can be attached; it is tracked once submitted.
      // Opened inside the transaction that claims the Idempotency-Key: a retried create opens no second one.
      const dossier = await this.services.request(
        'tracking.dossiers.open',
        {
          title: `Permohonan ${type.name.id}`,
          kind: 'permit-application',
          originAgencyId: issuing.id,
          confidentiality: 'internal',
          applicantId: applicant.id,
          ...(applicant.companyId ? { companyId: applicant.companyId } : {}),
          permitType: { code: type.code, name: type.name },
          draft: true,
          // Every upload to the dossier, by whichever route, is held to the permit type's documents.
          documentRules: type.requiredDocuments.map((d) => ({
            kind: d.kind,
            ...(d.maxBytes ? { maxBytes: d.maxBytes } : {}),
            ...(d.allowedTypes ? { allowedTypes: d.allowedTypes } : {}),
          })),
        },
        { asService: true },
      );
      const now = new Date();
      const app = await m.save(
        m.create(ApplicationRecord, {
          permitType: type.code,
          regionCode: req.regionCode,
          applicantId: applicant.id,
          companyId: applicant.companyId ?? null,
          applicantName: applicant.name ?? '',
          status: 'draft',
          form: req.form ?? {},
          dossierId: dossier.id,
          trackingNumber: dossier.trackingNumber,
          issuingAgencyId: issuing.id,
          workflowCode: workflow.code,
          workflowVersion: workflow.version,
          flow: null,
          serviceClock: [],
          createdAt: now,
          updatedAt: now,
          historySeq: 0,
          historyHead: '0'.repeat(64),
        }),
      );
      await this.runner.record(m, app, 'created', actorOf(applicant), {
        permitType: type.code,
        workflowVersion: workflow.version,
      });
      return toApplication(app, workflow.definition, []);
    });
  }

  async update(p: Principal | undefined, req: UpdateApplicationRequest): Promise<Application> {
    return this.change(p, req.id, async (m, app) => {
      if (app.status !== 'draft' && app.status !== 'returned')
        throw new AppError('NOT_EDITABLE', 409, 'Only a draft or a returned application can be changed');
      const type = this.catalog.type(app.permitType);
      const problems = formProblems(type.form, req.form, false);
      if (problems.length) throw new AppError('VALIDATION_FAILED', 400, 'The form has problems', problems);
      app.form = req.form;
      app.updatedAt = new Date();
      await m.update(ApplicationRecord, { id: app.id }, {
        form: app.form,
        updatedAt: app.updatedAt,
      } as never);
      await this.runner.record(m, app, 'form-updated', actorOf(requirePrincipal(p)), {
        fields: Object.keys(req.form),
      });
      return null;
    });
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
        trackingNumber: app.trackingNumber ?? '',
        kind: req.kind,
        fileName: req.fileName,
        uploader: actorOf(applicant),
      },
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

  /** The applicant's application, while it is a draft or returned for correction. */
  private async editableBy(p: Principal | undefined, id: string) {
    const applicant = this.requireApplicant(p);
    const app = await this.dataSource.getRepository(ApplicationRecord).findOneBy({ id });
    if (!app || !(await this.canView(this.dataSource.manager, applicant, app))) throw notFound();
    if (app.status !== 'draft' && app.status !== 'returned')
      throw new AppError('NOT_EDITABLE', 409, 'Documents can be added to a draft or a returned application');
    return { applicant, app };
  }

  /** Form complete and every mandatory document present: the dossier is submitted and the workflow starts. */
  async submit(p: Principal | undefined, id: string): Promise<Application> {
    return this.change(p, id, async (m, app, def) => {
      if (app.status !== 'draft')
        throw new AppError('ALREADY_SUBMITTED', 409, 'This application was already submitted');
      await this.checkComplete(app);
      await this.services.request(
        'tracking.dossiers.activate',
        { trackingNumber: app.trackingNumber ?? '' },
        { asService: true },
      );
      app.submittedAt = new Date();
      app.status = 'in-review';
      await m.update(ApplicationRecord, { id: app.id }, { submittedAt: app.submittedAt } as never);
      return { transition: start(def), type: 'submitted' };
    });
  }

  async resubmit(p: Principal | undefined, id: string): Promise<Application> {
    return this.change(p, id, async (_m, app, def) => {
      if (app.status !== 'returned' || !app.flow)
        throw new AppError('NOT_RETURNED', 409, 'This application is not waiting for a correction');
      await this.checkComplete(app);
      return { transition: resubmit(def, app.flow), type: 'resubmitted' };
    });
  }

  async withdraw(p: Principal | undefined, id: string): Promise<Application> {
    return this.change(p, id, async (m, app) => {
      if (['issued', 'rejected', 'withdrawn'].includes(app.status))
        throw new AppError('ALREADY_DECIDED', 409, `This application is already ${app.status}`);
      if (app.flow) return { transition: withdraw(app.flow), type: 'withdrawn' };
      app.status = 'withdrawn';
      app.outcome = 'withdrawn';
      await m.update(ApplicationRecord, { id: app.id }, {
        status: 'withdrawn',
        outcome: 'withdrawn',
        updatedAt: new Date(),
      } as never);
      await this.runner.record(m, app, 'withdrawn', actorOf(requirePrincipal(p)), {});
      return null;
    });
  }

  /** The permit issued for an application, for whoever may see the application. */
  async permit(p: Principal | undefined, id: string): Promise<IssuedPermit> {
    const m = this.dataSource.manager;
    return this.issued.forApplication(p, id, async () => {
      const app = await m.findOneBy(ApplicationRecord, { id });
      return !!app && (await this.canView(m, p, app));
    });
  }

  async revokePermit(p: Principal | undefined, id: string, reason: string): Promise<IssuedPermit> {
    const actor = actorOf(p);
    return this.issued.revoke(p, id, reason.trim(), async (m, data) => {
      const app = await m.findOneByOrFail(ApplicationRecord, { id });
      await this.runner.record(m, app, 'permit-revoked', actor, data);
    });
  }

  async get(p: Principal | undefined, id: string): Promise<Application> {
    const m = this.dataSource.manager;
    const app = await m.findOneBy(ApplicationRecord, { id });
    if (!app || !(await this.canView(m, p, app))) throw notFound();
    return this.view(m, app);
  }

  async list(p: Principal | undefined, req: ListApplicationsRequest): Promise<ApplicationPage> {
    const applicant = this.requireApplicant(p);
    const limit = req.limit ?? 20;
    const after = decodeCursor(req.after, NEWEST_FIRST);
    const qb = this.dataSource
      .getRepository(ApplicationRecord)
      .createQueryBuilder('a')
      .orderBy('a.created_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .take(limit + 1);
    if (applicant.companyId) qb.where('a.company_id = :c', { c: applicant.companyId });
    else qb.where('a.applicant_id = :a', { a: applicant.id });
    if (after) qb.andWhere('(a.created_at, a.id) < (:at, :id)', { at: after[0], id: after[1] });
    const rows = await qb.getMany();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: await Promise.all(page.map((a) => this.view(this.dataSource.manager, a))),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor(NEWEST_FIRST, [last.createdAt.toISOString(), last.id])
          : null,
    };
  }

  /** The application as its reader sees it; `open` saves the query when the caller has its open tasks. */
  async view(m: EntityManager, app: ApplicationRecord, open?: TaskRecord[]): Promise<Application> {
    const def = await this.catalog.version(app.workflowCode, app.workflowVersion);
    return toApplication(app, def, open ?? (await openTasksOf(m, app.id)));
  }

  /** The applicant (or a member of its company), officers of agencies it has tasks at, admins, services. */
  async canView(m: EntityManager, p: Principal | undefined, app: ApplicationRecord): Promise<boolean> {
    if (!p) return !!currentService();
    if (p.kind === 'applicant')
      return p.id === app.applicantId || (!!p.companyId && p.companyId === app.companyId);
    if (p.roles?.includes('system-admin')) return true;
    const now = new Date();
    const acting = (p.acting ?? []).filter((a) => new Date(a.until) > now); // an ended delegation shows nothing
    const agencies = [p.agencyId, ...acting.map((a) => a.agencyId)].filter(Boolean);
    if (agencies.includes(app.issuingAgencyId)) return true;
    return (await m.count(TaskRecord, { where: { applicationId: app.id, agencyId: In(agencies) } })) > 0;
  }

  private requireApplicant(p: Principal | undefined): Principal {
    const principal = requirePrincipal(p);
    if (principal.kind !== 'applicant')
      throw new AppError('FORBIDDEN', 403, 'Applications are made by applicant accounts');
    return principal;
  }

  /**
   * One applicant-side change in one transaction, the application row locked. `work` either changes
   * the row itself (returns null) or answers a workflow transition for the runner to write.
   */
  private async change(
    p: Principal | undefined,
    id: string,
    work: (
      m: EntityManager,
      app: ApplicationRecord,
      def: Awaited<ReturnType<CatalogService['version']>>,
    ) => Promise<{ transition: Transition; type: string } | null>,
  ): Promise<Application> {
    const applicant = this.requireApplicant(p);
    return this.transactions.run(async (m) => {
      const app = await lockApplication(m, id);
      if (!app || !(await this.canView(m, applicant, app))) throw notFound();
      const def = await this.catalog.version(app.workflowCode, app.workflowVersion);
      const move = await work(m, app, def);
      const open = move
        ? await this.runner.apply(m, app, def, move.transition, actorOf(applicant), { type: move.type })
        : undefined;
      return this.view(m, app, open);
    });
  }

  /** The form must be complete and every mandatory document present in the dossier. */
  private async checkComplete(app: ApplicationRecord): Promise<void> {
    const type = this.catalog.type(app.permitType);
    const problems = formProblems(type.form, app.form, true);
    const dossier = await this.services.request(
      'tracking.dossiers.get',
      { trackingNumber: app.trackingNumber ?? '' },
      { asService: true },
    );
    const present = new Set(dossier.documents.map((d) => d.kind));
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
