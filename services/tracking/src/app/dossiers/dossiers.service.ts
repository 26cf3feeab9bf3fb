import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import { currentService, requirePrincipal } from '@berkas/auth';
import {
  AppError,
  type CloseDossierRequest,
  type Dossier,
  type DossierHistory,
  type HistoryVerification,
  type InboxPage,
  type InboxRequest,
  type OpenDossierRequest,
  type Principal,
  type PublicView,
  decodeCursor,
  encodeCursor,
} from '@berkas/contracts';
import { IdempotentTransactions, Outbox } from '@berkas/messaging';
import { verifyChain } from '@berkas/persistence';
import { generateTrackingNumber } from '@berkas/contracts';
import { AgencyDirectory } from '../agencies/agency-directory.service';
import { DocumentRecord } from '../documents/document.entity';
import { toDocumentView } from '../documents/document-view';
import { canView, requireAgencyOfficer } from './access';
import { canonicalTrackingNumber, custodyOf, dossierNotFound, findDossier } from './dossier-lookup';
import { DossierRecord, HistoryRecord } from './dossier.entity';
import { HistoryService } from './history.service';
import { LABELS } from './labels';
import { PUBLIC_VIEW_SQL, type PublicViewRow } from './public-view.sql';
import { actorView } from '../../domain/actor-view';

/** The agency inbox, oldest first: keyset (held_since, id). */
const OLDEST_HELD_FIRST = ['timestamp', 'uuid'] as const;

const UNIQUE_VIOLATION = '23505';

export function toDossier(d: DossierRecord, documents: DocumentRecord[]): Dossier {
  return {
    id: d.id,
    trackingNumber: d.trackingNumber,
    title: d.title,
    kind: d.kind as Dossier['kind'],
    status: d.status,
    confidentiality: d.confidentiality,
    regionCode: d.regionCode,
    origin: d.origin,
    holder: d.holder,
    holderUnitId: d.holderUnitId,
    heldSince: d.heldSince.toISOString(),
    inTransit: d.inTransit,
    applicantId: d.applicantId,
    companyId: d.companyId,
    permitType: d.permitType,
    dueAt: d.dueAt,
    openedAt: d.openedAt.toISOString(),
    closedAt: d.closedAt?.toISOString() ?? null,
    outcome: d.outcome,
    documents: documents.map(toDocumentView),
  };
}

/**
 * What only the service running a process sets on its dossier: whose file it is, its permit type
 * and document rules, and whether it is an application's (draft until submitted). An officer's
 * dossier names none of them, or an officer could give any citizen access to it, or show any permit
 * type on the public page.
 */
function refuseProcessFields(req: OpenDossierRequest): void {
  if (req.kind === 'permit-application')
    throw AppError.invalid('/kind', 'is opened by the permits service with the application, not by hand');
  for (const field of ['applicantId', 'companyId', 'permitType', 'draft', 'documentRules'] as const)
    if (req[field] !== undefined)
      throw AppError.invalid(`/${field}`, 'is set by the service running the process');
}

@Injectable()
export class DossiersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly agencies: AgencyDirectory,
    private readonly history: HistoryService,
    private readonly outbox: Outbox,
    private readonly transactions: IdempotentTransactions,
  ) {}

  async open(p: Principal | undefined, req: OpenDossierRequest): Promise<Dossier> {
    if (p?.kind === 'applicant')
      throw new AppError(
        'FORBIDDEN',
        403,
        'Applicants start with an application; the office opens the dossier',
      );
    const actor = requireAgencyOfficer(p, req.originAgencyId, 'origin');
    if (!currentService()) refuseProcessFields(req);
    const origin = await this.agencies.snapshot(req.originAgencyId, '/originAgencyId', req.holderUnitId);
    // 40 random bits make a collision rare; the unique index makes it harmless: try another number.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transactions.run(async (m) => {
          const now = new Date();
          const tn = generateTrackingNumber(origin.regionCode, now.getFullYear());
          const dossier = await m.save(
            m.create(DossierRecord, {
              trackingNumber: tn.formatted,
              regionCode: origin.regionCode,
              title: req.title.trim(),
              kind: req.kind,
              confidentiality: req.confidentiality ?? 'internal',
              status: req.draft ? 'draft' : 'open',
              origin,
              originAgencyId: origin.id,
              holder: origin,
              holderAgencyId: origin.id,
              holderUnitId: req.holderUnitId ?? null,
              heldSince: now,
              applicantId: req.applicantId ?? null,
              companyId: req.companyId ?? null,
              permitType: req.permitType ?? null,
              documentRules: req.documentRules ?? null,
              dueAt: req.dueAt ?? null,
              openedAt: now,
              historySeq: 0,
              historyHead: '0'.repeat(64),
            }),
          );
          await this.history.append(
            m,
            dossier,
            'opened',
            actor,
            { title: dossier.title, kind: dossier.kind, origin: origin.code, draft: !!req.draft },
            // A draft appears on the public timeline only once it is submitted (activate).
            req.draft
              ? undefined
              : { label: LABELS.opened, agency: { code: origin.code, name: origin.name } },
          );
          await this.outbox.add(
            m,
            'evt.tracking.dossier-opened',
            {
              dossierId: dossier.id,
              trackingNumber: dossier.trackingNumber,
              status: dossier.status,
              holderAgencyId: dossier.holderAgencyId,
            },
            { source: '/berkas/tracking', subject: dossier.trackingNumber },
          );
          return toDossier(dossier, []);
        });
      } catch (e) {
        const collided = e instanceof QueryFailedError && (e as { code?: string }).code === UNIQUE_VIOLATION;
        if (!collided || attempt >= 5) throw e;
      }
    }
  }

  /** The application behind a draft dossier was submitted: from now on the office and the public see it. */
  async activate(p: Principal | undefined, trackingNumber: string): Promise<Dossier> {
    return this.dataSource.transaction(async (m) => {
      const d = await findDossier(m, trackingNumber, true);
      const actor = requireAgencyOfficer(p, d.holderAgencyId, 'holding');
      const documents = () =>
        m.find(DocumentRecord, { where: { dossierId: d.id }, order: { kind: 'ASC', version: 'ASC' } });
      // Already active: the caller's earlier attempt got this far and then failed (a crash before its
      // own commit); activating is a state to reach, not a step to repeat, so it answers the same.
      if (d.status !== 'draft') return toDossier(d, await documents());
      d.status = 'open';
      d.heldSince = new Date();
      await m.update(DossierRecord, { id: d.id }, { status: d.status, heldSince: d.heldSince });
      await this.history.append(
        m,
        d,
        'submitted',
        actor,
        {},
        { label: LABELS.submitted, agency: { code: d.holder.code, name: d.holder.name } },
      );
      return toDossier(d, await documents());
    });
  }

  async get(p: Principal | undefined, trackingNumber: string): Promise<Dossier> {
    const m = this.dataSource.manager;
    const d = await this.visible(m, p, trackingNumber);
    const docs = await m.find(DocumentRecord, {
      where: { dossierId: d.id },
      order: { kind: 'ASC', version: 'ASC' },
    });
    return toDossier(d, docs);
  }

  async close(p: Principal | undefined, req: CloseDossierRequest): Promise<Dossier> {
    return this.dataSource.transaction(async (m) => {
      const d = await findDossier(m, req.trackingNumber, true);
      const actor = requireAgencyOfficer(p, d.holderAgencyId, 'holding');
      if (!currentService() && d.kind === 'permit-application')
        throw new AppError(
          'CLOSED_BY_WORKFLOW',
          409,
          "An application's dossier closes with the application's decision or withdrawal",
        );
      if (d.status === 'closed') throw new AppError('ALREADY_CLOSED', 409, 'This dossier is already closed');
      if (d.status === 'in-transit')
        throw new AppError('IN_TRANSIT', 409, 'Receive or recall the handoff before closing');
      d.status = 'closed';
      d.outcome = req.outcome;
      d.closedAt = new Date();
      await m.update(
        DossierRecord,
        { id: d.id },
        { status: d.status, outcome: d.outcome, closedAt: d.closedAt },
      );
      await this.history.append(
        m,
        d,
        'closed',
        actor,
        { outcome: req.outcome, ...(req.note ? { note: req.note } : {}) },
        {
          label: LABELS.closed[req.outcome],
          agency: { code: d.holder.code, name: d.holder.name },
        },
      );
      await this.outbox.add(
        m,
        'evt.tracking.dossier-closed',
        {
          dossierId: d.id,
          trackingNumber: d.trackingNumber,
          status: d.status,
          holderAgencyId: d.holderAgencyId,
          outcome: req.outcome,
        },
        { source: '/berkas/tracking', subject: d.trackingNumber },
      );
      return toDossier(d, await m.find(DocumentRecord, { where: { dossierId: d.id } }));
    });
  }

  /** Anyone with the number: where the file is and its milestones. Built from public fields only. */
  async publicView(trackingNumber: string): Promise<PublicView> {
    // The busiest read of the system (every citizen's "where is my file?"): one round trip that
    // builds the answer in PostgreSQL, instead of two queries and entity hydration in TypeORM, which
    // cost tracking half its CPU per lookup (BENCHMARKS.md, public tracking lookup).
    const [row]: PublicViewRow[] = await this.dataSource.query(PUBLIC_VIEW_SQL, [
      canonicalTrackingNumber(trackingNumber),
    ]);
    if (!row || row.status === 'draft') throw dossierNotFound(); // a draft is not submitted yet
    const open = row.status !== 'closed';
    return {
      trackingNumber: row.tracking_number,
      status: row.status,
      permitType: row.permit_type,
      holder: { code: row.holder.code, name: row.holder.name },
      heldSince: row.held_since,
      dueAt: row.due_at,
      currentStages: open ? row.progress.currentStages : [],
      awaitingApplicant: open && row.progress.awaitingApplicant,
      timeline: row.timeline,
    };
  }

  /** An agency's desk: what it holds, and what is on its way to it, oldest first. */
  async inbox(p: Principal | undefined, req: InboxRequest): Promise<InboxPage> {
    const principal = requirePrincipal(p);
    const agencyId = req.agencyId ?? principal.agencyId;
    if (!agencyId) throw AppError.invalid('/agencyId', 'is required');
    requireAgencyOfficer(principal, agencyId, 'that');
    const scope = req.scope ?? 'all';
    const limit = req.limit ?? 50;
    const after = decodeCursor(req.after, OLDEST_HELD_FIRST);
    const qb = this.dataSource
      .getRepository(DossierRecord)
      .createQueryBuilder('d')
      .orderBy('d.held_since')
      .addOrderBy('d.id')
      .take(limit + 1);
    if (scope === 'held')
      qb.where(`d.holder_agency_id = :a AND d.status IN ('open', 'in-transit')`, { a: agencyId });
    else if (scope === 'incoming')
      qb.where(`d.in_transit_to_agency_id = :a AND d.status = 'in-transit'`, { a: agencyId });
    else {
      qb.where(
        `((d.holder_agency_id = :a AND d.status IN ('open', 'in-transit')) OR (d.in_transit_to_agency_id = :a AND d.status = 'in-transit'))`,
        { a: agencyId },
      );
    }
    if (req.kind) qb.andWhere('d.kind = :kind', { kind: req.kind });
    if (after) qb.andWhere('(d.held_since, d.id) > (:since, :id)', { since: after[0], id: after[1] });
    const rows = await qb.getMany();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((d) => ({
        trackingNumber: d.trackingNumber,
        title: d.title,
        kind: d.kind as Dossier['kind'],
        status: d.status,
        holder: d.holder,
        heldSince: d.heldSince.toISOString(),
        dueAt: d.dueAt,
        inTransit: d.inTransit,
      })),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor(OLDEST_HELD_FIRST, [last.heldSince.toISOString(), last.id])
          : null,
    };
  }

  async historyOf(p: Principal | undefined, trackingNumber: string): Promise<DossierHistory> {
    const m = this.dataSource.manager;
    const d = await this.visible(m, p, trackingNumber);
    const rows = await m.find(HistoryRecord, { where: { dossierId: d.id }, order: { seq: 'ASC' } });
    return {
      trackingNumber: d.trackingNumber,
      entries: rows.map((h) => ({
        seq: h.seq,
        type: h.type,
        occurredAt: h.occurredAt.toISOString(),
        actor: actorView(h.actor),
        data: h.data,
        hash: h.hash,
      })),
    };
  }

  async verify(p: Principal | undefined, trackingNumber: string): Promise<HistoryVerification> {
    const m = this.dataSource.manager;
    const d = await this.visible(m, p, trackingNumber);
    const rows = await m.find(HistoryRecord, { where: { dossierId: d.id }, order: { seq: 'ASC' } });
    const broken =
      verifyChain(rows.map((h) => ({ ...h, occurredAt: h.occurredAt.toISOString() }))) ??
      (rows.at(-1)?.hash !== d.historyHead || rows.length !== d.historySeq
        ? { seq: rows.length + 1, reason: 'missing-entry' as const }
        : null);
    return {
      trackingNumber: d.trackingNumber,
      entries: rows.length,
      intact: !broken,
      firstBroken: broken,
      headHash: d.historyHead,
    };
  }

  private async visible(
    m: EntityManager,
    p: Principal | undefined,
    trackingNumber: string,
  ): Promise<DossierRecord> {
    const d = await findDossier(m, trackingNumber);
    if (!canView(p, d, await custodyOf(m, d))) throw dossierNotFound();
    return d;
  }
}
