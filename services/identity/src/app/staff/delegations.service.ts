import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { requireRole } from '@berkas/auth';
import { requireGrantingRole } from './granting';
import {
  AppError,
  type CreateDelegationRequest,
  type Delegation,
  type DelegationList,
  type ListDelegationsRequest,
  type Principal,
} from '@berkas/contracts';
import { Outbox } from '@berkas/messaging';
import { announceRevocation } from '../auth/revocations';
import { DelegationRecord } from './staff.entity';
import { StaffService } from './staff.service';

const MAX_DAYS = 366;
const DELEGATION_RELATIONS = { agency: true, holder: true, delegate: true } as const;

export function toDelegation(d: DelegationRecord): Delegation {
  return {
    id: d.id,
    kind: d.kind,
    delegateId: d.delegateId,
    delegateName: d.delegate.name,
    holderId: d.holderId,
    holderName: d.holder.name,
    decreeNumber: d.decreeNumber,
    agency: { id: d.agency.id, code: d.agency.code, name: d.agency.name, regionCode: d.agency.regionCode },
    roles: d.roles,
    startsAt: d.startsAt.toISOString(),
    endsAt: d.endsAt.toISOString(),
    revokedAt: d.revokedAt?.toISOString() ?? null,
  };
}

/**
 * Plt (pelaksana tugas) and Plh (pelaksana harian): an officer holds another position's roles in
 * the holder's agency for a period. Tokens issued meanwhile list it, and every action taken in that
 * capacity records both the acting officer and the holder.
 */
@Injectable()
export class DelegationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly staff: StaffService,
    private readonly outbox: Outbox,
  ) {}

  async create(p: Principal | undefined, req: CreateDelegationRequest): Promise<Delegation> {
    const startsAt = new Date(req.startsAt);
    const endsAt = new Date(req.endsAt);
    if (endsAt <= startsAt) throw AppError.invalid('/endsAt', 'must be after startsAt');
    if (endsAt <= new Date()) throw AppError.invalid('/endsAt', 'is already past');
    if (endsAt.getTime() - startsAt.getTime() > MAX_DAYS * 86400_000)
      throw AppError.invalid('/endsAt', `may be at most ${MAX_DAYS} days after startsAt`);
    // Nobody hands authority to themselves: a second official must appoint an acting one.
    if (p && req.delegateId === p.id)
      throw new AppError('FORBIDDEN', 403, 'You cannot make yourself acting official; ask another admin');
    return this.dataSource.transaction(async (m) => {
      const holder = await this.staff.load(m, p, { id: req.holderId });
      const capacity = requireGrantingRole(p, holder.agencyId);
      if (req.delegateId === req.holderId) throw AppError.invalid('/delegateId', 'cannot act for themselves');
      if (!holder.active) throw AppError.invalid('/holderId', 'is not an active officer');
      const delegate = await this.staff.load(m, p, { id: req.delegateId }).catch(() => {
        throw AppError.invalid('/delegateId', 'is not an officer of the same region');
      });
      if (!delegate.active) throw AppError.invalid('/delegateId', 'is not an active officer');
      if (delegate.agency.regionCode !== holder.agency.regionCode)
        throw AppError.invalid('/delegateId', 'is not an officer of the same region');
      const roles = req.roles ?? holder.roles;
      // system-admin is the deployment's, not a position's: it is granted only directly, by a
      // system-admin (staff create/update), never by delegation, whoever asks.
      if (roles.includes('system-admin'))
        throw new AppError(
          'FORBIDDEN',
          403,
          'system-admin is never delegated; name the roles of the position to delegate',
          [{ path: '/roles', message: 'must not include system-admin' }],
        );
      const foreign = roles.filter((r) => !holder.roles.includes(r));
      if (!roles.length || foreign.length)
        throw AppError.invalid(
          '/roles',
          `must be roles the holder has (not ${foreign.join(', ') || 'none'})`,
        );
      const saved = await m.save(
        m.create(DelegationRecord, {
          kind: req.kind,
          delegateId: delegate.id,
          holderId: holder.id,
          agencyId: holder.agencyId,
          roles,
          startsAt,
          endsAt,
          decreeNumber: req.decreeNumber?.trim() || null,
          createdBy: p?.id ?? 'system',
          createdOnBehalfOf: capacity.via === 'delegation' ? capacity.acting.holderId : null,
        }),
      );
      return this.changed(m, saved.id);
    });
  }

  /** An agency's acting officials: running and coming ones by their end, then (asked) the ended ones. */
  async list(p: Principal | undefined, req: ListDelegationsRequest): Promise<DelegationList> {
    requireRole(p, ['agency-admin', 'system-admin'], req.agencyId);
    const rows = await this.dataSource.getRepository(DelegationRecord).find({
      where: { agencyId: req.agencyId },
      relations: DELEGATION_RELATIONS,
      order: { endsAt: 'DESC' },
      take: 1000,
    });
    const now = new Date();
    const running = (d: DelegationRecord) => !d.revokedAt && d.endsAt > now;
    return {
      items: [
        ...rows.filter(running).reverse(),
        ...(req.includeEnded ? rows.filter((d) => !running(d)) : []),
      ].map(toDelegation),
    };
  }

  async revoke(p: Principal | undefined, id: string): Promise<Delegation> {
    return this.dataSource.transaction(async (m) => {
      const d = await m.findOne(DelegationRecord, { where: { id }, relations: DELEGATION_RELATIONS });
      if (!d) throw new AppError('NOT_FOUND', 404, 'No such delegation');
      await this.staff.load(m, p, { id: d.holderId });
      requireRole(p, ['agency-admin'], d.agencyId);
      if (!d.revokedAt) {
        d.revokedAt = new Date();
        await m.save(d);
        // The acting official's tokens list the delegation: they must be re-issued without it.
        await announceRevocation(this.outbox, m, { reason: 'delegation-ended', principalId: d.delegateId });
      }
      return this.changed(m, d.id);
    });
  }

  private async changed(m: EntityManager, id: string): Promise<Delegation> {
    const d = await m.findOneOrFail(DelegationRecord, { where: { id }, relations: DELEGATION_RELATIONS });
    const view = toDelegation(d);
    await this.outbox.add(m, 'evt.identity.delegation-changed', view, {
      source: '/berkas/identity',
      subject: view.id,
    });
    return view;
  }
}
