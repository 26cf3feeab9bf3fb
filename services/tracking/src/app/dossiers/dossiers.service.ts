import { randomUUID } from 'node:crypto';
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
import { IdempotentTransactions } from '@berkas/messaging';
import { generateTrackingNumber } from '@berkas/contracts';
import { AgencyDirectory } from '../agencies/agency-directory.service';
import { DocumentRecord } from '../documents/document.entity';
import { toDocumentView } from '../documents/document-view';
import { canView, requireAgencyOfficer } from './access';
import { canonicalTrackingNumber, custodyOf, dossierNotFound, findDossier } from './dossier-lookup';
import { DossierRecord } from './dossier.entity';
import { DossierLedger } from './dossier-ledger';
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
    private readonly ledger: DossierLedger,
    private readonly transactions: IdempotentTransactions,
  ) {}

  /**
   * Opens a dossier. A caller that names its id (permits, with the application's) may repeat the
   * request after any failure: the dossier it opened is answered again, never a second one.
   */
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
    // A named id opened by a concurrent repeat collides the same way, and the next attempt finds it.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transactions.run(async (m) => {
          if (req.id) {
            const opened = await this.openedBefore(m, req);
            if (opened) return opened;
          }
          const now = new Date();
          const d = m.create(DossierRecord, {
            id: req.id ?? randomUUID(),
            trackingNumber: generateTrackingNumber(origin.regionCode, now.getFullYear()).formatted,
            regionCode: origin.regionCode,
            title: req.title.trim(),
            kind: req.kind,
            confidentiality: req.confidentiality ?? 'internal',
            status: req.draft ? 'draft' : 'open',
            outcome: null,
            origin,
            originAgencyId: origin.id,
            holder: origin,
            holderAgencyId: origin.id,
            holderUnitId: req.holderUnitId ?? null,
            heldSince: now,
            inTransit: null,
            inTransitToAgencyId: null,
            applicantId: req.applicantId ?? null,
            companyId: req.companyId ?? null,
            permitType: req.permitType ?? null,
            documentRules: req.documentRules ?? null,
            dueAt: req.dueAt ?? null,
            progress: { currentStages: [], awaitingApplicant: false },
            progressAt: null,
            openedAt: now,
            closedAt: null,
          });
          await this.ledger.insert(m, d, {
            history: [
              {
                type: 'opened',
                actor,
                data: { title: d.title, kind: d.kind, origin: origin.code, draft: !!req.draft },
                // A draft appears on the public timeline only once it is submitted (activate).
                ...(req.draft
                  ? {}
                  : {
                      milestone: { label: LABELS.opened, agency: { code: origin.code, name: origin.name } },
                    }),
              },
            ],
            events: [
              {
                type: 'evt.tracking.dossier-opened',
                data: {
                  dossierId: d.id,
                  trackingNumber: d.trackingNumber,
                  status: d.status,
                  holderAgencyId: d.holderAgencyId,
                },
              },
            ],
          });
          return toDossier(d, []);
        });
      } catch (e) {
        const collided = e instanceof QueryFailedError && (e as { code?: string }).code === UNIQUE_VIOLATION;
        if (!collided || attempt >= 5) throw e;
      }
    }
  }

  /** The dossier an earlier open with this id made; 409 if the id names a different one. */
  private async openedBefore(m: EntityManager, req: OpenDossierRequest): Promise<Dossier | null> {
    const d = await m.findOneBy(DossierRecord, { id: req.id });
    if (!d) return null;
    const same =
      d.originAgencyId === req.originAgencyId &&
      d.kind === req.kind &&
      d.applicantId === (req.applicantId ?? null) &&
      d.companyId === (req.companyId ?? null);
    if (!same) throw new AppError('ALREADY_EXISTS', 409, 'Another dossier has this id');
    return toDossier(d, await this.documentsOf(m, d));
  }

  /** The application behind a draft dossier was submitted: from now on the office and the public see it. */
  async activate(p: Principal | undefined, trackingNumber: string): Promise<Dossier> {
    return this.dataSource.transaction(async (m) => {
      const d = await this.ledger.lock(m, trackingNumber);
      const actor = requireAgencyOfficer(p, d.holderAgencyId, 'holding');
      // Already active: the caller's earlier attempt got this far and then failed (a crash before its
      // own commit); activating is a state to reach, not a step to repeat, so it answers the same.
      if (d.status === 'draft')
        await this.ledger.commit(m, d, {
          dossier: { status: 'open', heldSince: new Date() },
          history: [
            {
              type: 'submitted',
              actor,
              data: {},
              milestone: { label: LABELS.submitted, agency: { code: d.holder.code, name: d.holder.name } },
            },
          ],
        });
      return toDossier(d, await this.documentsOf(m, d));
    });
  }

  async get(p: Principal | undefined, trackingNumber: string): Promise<Dossier> {
    const m = this.dataSource.manager;
    const d = await this.visible(m, p, trackingNumber);
    return toDossier(d, await this.documentsOf(m, d));
  }

  async close(p: Principal | undefined, req: CloseDossierRequest): Promise<Dossier> {
    return this.dataSource.transaction(async (m) => {
      const d = await this.ledger.lock(m, req.trackingNumber);
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
      await this.ledger.commit(m, d, {
        dossier: { status: 'closed', outcome: req.outcome, closedAt: new Date() },
        history: [
          {
            type: 'closed',
            actor,
            data: { outcome: req.outcome, ...(req.note ? { note: req.note } : {}) },
            milestone: {
              label: LABELS.closed[req.outcome],
              agency: { code: d.holder.code, name: d.holder.name },
            },
          },
        ],
        events: [
          {
            type: 'evt.tracking.dossier-closed',
            data: {
              dossierId: d.id,
              trackingNumber: d.trackingNumber,
              status: 'closed',
              holderAgencyId: d.holderAgencyId,
              outcome: req.outcome,
            },
          },
        ],
      });
      return toDossier(d, await this.documentsOf(m, d));
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
    const rows = await this.ledger.inbox(this.dataSource.manager, agencyId, {
      scope,
      kind: req.kind,
      after,
      take: limit + 1,
    });
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
    const rows = await this.ledger.history(m, d);
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
    const check = await this.ledger.verify(m, d);
    return {
      trackingNumber: d.trackingNumber,
      entries: check.entries,
      intact: !check.firstBroken,
      firstBroken: check.firstBroken,
      headHash: check.headHash,
    };
  }

  private documentsOf(m: EntityManager, d: DossierRecord): Promise<DocumentRecord[]> {
    return m.find(DocumentRecord, { where: { dossierId: d.id }, order: { kind: 'ASC', version: 'ASC' } });
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
