import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { requirePrincipal } from '@berkas/auth';
import {
  AppError,
  type HandoffReceipt,
  type ManifestItem,
  type Principal,
  type RefuseHandoffRequest,
  type ResolveHandoffRequest,
  type SendHandoffRequest,
} from '@berkas/contracts';
import { IdempotentTransactions } from '@berkas/messaging';
import { canonicalJson, sha256Hex } from '@berkas/persistence';
import { AgencyDirectory } from '../agencies/agency-directory.service';
import { DocumentRecord } from '../documents/document.entity';
import { canView, requireAgencyOfficer } from '../dossiers/access';
import { custodyOf } from '../dossiers/dossier-lookup';
import { DossierRecord } from '../dossiers/dossier.entity';
import { DossierLedger, type DossierChanges, type DossierEntry } from '../dossiers/dossier-ledger';
import { LABELS } from '../dossiers/labels';
import { HandoffRecord } from './handoff.entity';
import { actorView } from '../../domain/actor-view';

export function toReceipt(h: HandoffRecord, trackingNumber: string): HandoffReceipt {
  return {
    id: h.id,
    dossierId: h.dossierId,
    trackingNumber,
    status: h.status,
    from: h.fromAgency,
    to: h.toAgency,
    note: h.note,
    items: h.items,
    manifestHash: h.manifestHash,
    sentBy: actorView(h.sentBy),
    sentAt: h.sentAt.toISOString(),
    resolvedBy: h.resolvedBy && actorView(h.resolvedBy),
    resolvedAt: h.resolvedAt?.toISOString() ?? null,
    refusalReason: h.refusalReason,
  };
}

const noHandoff = () => new AppError('NOT_FOUND', 404, 'No such handoff');

/**
 * Serah terima between agencies. Only the holder sends; only the addressed agency receives or
 * refuses. Each side's receipt names who, when and what, with the SHA-256 of the manifest (the
 * dossier, both agencies, the items with their document checksums, the note and the time sent), so
 * either side can prove what changed hands.
 */
@Injectable()
export class HandoffsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly agencies: AgencyDirectory,
    private readonly ledger: DossierLedger,
    private readonly transactions: IdempotentTransactions,
  ) {}

  async send(p: Principal | undefined, req: SendHandoffRequest): Promise<HandoffReceipt> {
    return this.transactions.run(async (m) => {
      const d = await this.ledger.lock(m, req.trackingNumber);
      const actor = requireAgencyOfficer(p, d.holderAgencyId, 'holding');
      // Only the holder learns whether the addressee is an agency it can reach.
      const to = await this.agencies.snapshot(req.toAgencyId, '/toAgencyId');
      if (d.status === 'closed') throw new AppError('DOSSIER_CLOSED', 409, 'A closed dossier cannot be sent');
      if (d.status === 'draft')
        throw new AppError('NOT_SUBMITTED', 409, 'A draft dossier cannot be sent before it is submitted');
      if (d.status === 'in-transit')
        throw new AppError('IN_TRANSIT', 409, 'This dossier is already on its way to another agency');
      if (to.id === d.holderAgencyId)
        throw AppError.invalid('/toAgencyId', 'is the agency that already holds the dossier');

      const documents = req.documentIds?.length
        ? await m.findBy(DocumentRecord, { id: In(req.documentIds), dossierId: d.id })
        : [];
      const missing = (req.documentIds ?? []).filter((id) => !documents.some((doc) => doc.id === id));
      if (missing.length)
        throw AppError.invalid('/documentIds', `are not documents of this dossier: ${missing.join(', ')}`);
      const items: ManifestItem[] = [
        ...documents.map((doc) => ({
          type: 'document' as const,
          description: `${doc.kind} v${doc.version}`,
          documentId: doc.id,
          sha256: doc.sha256,
        })),
        ...(req.physicalItems ?? []).map((i) => ({
          type: 'physical' as const,
          description: i.description.trim(),
          quantity: i.quantity,
        })),
      ];
      const sentAt = new Date();
      const manifest = {
        dossierId: d.id,
        trackingNumber: d.trackingNumber,
        from: d.holder,
        to,
        items,
        note: req.note ?? null,
        sentAt: sentAt.toISOString(),
      };
      const handoff = await m.save(
        m.create(HandoffRecord, {
          dossierId: d.id,
          fromAgency: d.holder,
          toAgency: to,
          toAgencyId: to.id,
          note: req.note ?? null,
          items,
          manifestHash: sha256Hex(canonicalJson(manifest)),
          status: 'in-transit',
          sentBy: actor,
          sentAt,
        }),
      );
      const inTransit = { handoffId: handoff.id, to, sentAt: sentAt.toISOString() };
      const receipt = toReceipt(handoff, d.trackingNumber);
      await this.ledger.commit(m, d, {
        dossier: { status: 'in-transit', inTransit, inTransitToAgencyId: to.id },
        history: [
          {
            type: 'handoff-sent',
            actor,
            data: {
              handoffId: handoff.id,
              from: d.holder.code,
              to: to.code,
              items: items.length,
              manifestHash: handoff.manifestHash,
              ...(req.note ? { note: req.note } : {}),
            },
            milestone: { label: LABELS.handoffSent, agency: { code: d.holder.code, name: d.holder.name } },
          },
        ],
        events: [{ type: 'evt.tracking.handoff-changed', data: receipt }],
      });
      return receipt;
    });
  }

  async receive(p: Principal | undefined, req: ResolveHandoffRequest): Promise<HandoffReceipt> {
    return this.resolve(p, req.id, (h, actor) => {
      h.status = 'received';
      return {
        custody: {
          holder: h.toAgency,
          holderAgencyId: h.toAgencyId,
          holderUnitId: null,
          heldSince: h.resolvedAt ?? new Date(),
        },
        entry: {
          type: 'handoff-received',
          actor,
          data: {
            handoffId: h.id,
            from: h.fromAgency.code,
            to: h.toAgency.code,
            manifestHash: h.manifestHash,
            ...(req.note ? { note: req.note } : {}),
          },
          milestone: {
            label: LABELS.handoffReceived,
            agency: { code: h.toAgency.code, name: h.toAgency.name },
          },
        },
      };
    });
  }

  async refuse(p: Principal | undefined, req: RefuseHandoffRequest): Promise<HandoffReceipt> {
    return this.resolve(p, req.id, (h, actor) => {
      h.status = 'refused';
      h.refusalReason = req.reason.trim();
      return {
        custody: {},
        entry: {
          type: 'handoff-refused',
          actor,
          data: { handoffId: h.id, from: h.fromAgency.code, to: h.toAgency.code, reason: h.refusalReason },
          milestone: {
            label: LABELS.handoffRefused,
            agency: { code: h.fromAgency.code, name: h.fromAgency.name },
          },
        },
      };
    });
  }

  /** Either side's receipt; others learn nothing (404). */
  async get(p: Principal | undefined, id: string): Promise<HandoffReceipt> {
    const m = this.dataSource.manager;
    const h = await m.findOneBy(HandoffRecord, { id });
    const d = h ? await m.findOneBy(DossierRecord, { id: h.dossierId }) : null;
    if (!h || !d || !canView(p, d, await custodyOf(m, d))) throw noHandoff();
    return toReceipt(h, d.trackingNumber);
  }

  /**
   * Receives or refuses a handoff: `outcome` sets the handoff's status and says who holds the dossier
   * now and what its history records; the dossier is open again either way.
   */
  private async resolve(
    p: Principal | undefined,
    id: string,
    outcome: (
      h: HandoffRecord,
      actor: ReturnType<typeof requireAgencyOfficer>,
    ) => { custody: DossierChanges; entry: DossierEntry },
  ): Promise<HandoffReceipt> {
    requirePrincipal(p);
    return this.transactions.run(async (m) => {
      const h = await m
        .getRepository(HandoffRecord)
        .createQueryBuilder('h')
        .setLock('pessimistic_write')
        .where({ id })
        .getOne();
      if (!h) throw noHandoff();
      const d = await this.ledger.lockById(m, h.dossierId);
      if (!d || !canView(p, d, await custodyOf(m, d))) throw noHandoff();
      const actor = requireAgencyOfficer(p, h.toAgencyId, 'addressed');
      if (h.status !== 'in-transit')
        throw new AppError('ALREADY_RESOLVED', 409, `This handoff was already ${h.status}`);
      h.resolvedBy = actor;
      h.resolvedAt = new Date();
      const { custody, entry } = outcome(h, actor);
      await m.update(
        HandoffRecord,
        { id: h.id },
        {
          status: h.status,
          resolvedBy: h.resolvedBy,
          resolvedAt: h.resolvedAt,
          refusalReason: h.refusalReason,
        },
      );
      const receipt = toReceipt(h, d.trackingNumber);
      await this.ledger.commit(m, d, {
        dossier: { ...custody, status: 'open', inTransit: null, inTransitToAgencyId: null },
        history: [entry],
        events: [{ type: 'evt.tracking.handoff-changed', data: receipt }],
      });
      return receipt;
    });
  }
}
