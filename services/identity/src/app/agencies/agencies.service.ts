import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { canSeeRegion, isSystemAdmin, requireRole } from '@berkas/auth';
import {
  AppError,
  type Agency as AgencyView,
  type AgencyPage,
  type CreateAgencyRequest,
  type CreateUnitRequest,
  type GetAgencyRequest,
  type ListAgenciesRequest,
  type Principal,
  type Region as RegionView,
  type Unit as UnitView,
  type UpdateAgencyRequest,
  decodeCursor,
  encodeCursor,
} from '@berkas/contracts';
import { Outbox } from '@berkas/messaging';
import { announceRevocation } from '../auth/revocations';
import { Agency, Region, Unit } from './agency.entity';

/** Lists by name: keyset (name, id). */
const BY_NAME = ['text', 'uuid'] as const;

export const toUnit = (u: Unit): UnitView => ({
  id: u.id,
  agencyId: u.agencyId,
  code: u.code,
  name: u.name,
  active: u.active,
});

export function toAgency(a: Agency): AgencyView {
  return {
    id: a.id,
    regionCode: a.regionCode,
    code: a.code,
    name: a.name,
    parentId: a.parentId,
    active: a.active,
    units: (a.units ?? []).sort((x, y) => x.code.localeCompare(y.code)).map(toUnit),
  };
}

const notFound = () => new AppError('NOT_FOUND', 404, 'No such agency');

@Injectable()
export class AgenciesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  async createRegion(p: Principal | undefined, req: RegionView): Promise<RegionView> {
    requireRole(p, ['system-admin']);
    const region = await this.dataSource
      .getRepository(Region)
      .save({ code: req.code, name: req.name.trim() });
    return { code: region.code, name: region.name };
  }

  async create(p: Principal | undefined, req: CreateAgencyRequest): Promise<AgencyView> {
    requireRole(p, ['system-admin']);
    return this.dataSource.transaction(async (m) => {
      if (!(await m.findOneBy(Region, { code: req.regionCode })))
        throw AppError.invalid('/regionCode', 'is not a region served here');
      if (req.parentId) await this.checkParent(m, req.regionCode, req.parentId);
      if (await m.findOneBy(Agency, { regionCode: req.regionCode, code: req.code })) {
        throw new AppError('ALREADY_EXISTS', 409, `${req.code} already exists in region ${req.regionCode}`, [
          { path: '/code', message: 'already exists in this region' },
        ]);
      }
      const agency = await m.save(
        m.create(Agency, {
          regionCode: req.regionCode,
          code: req.code,
          name: req.name.trim(),
          parentId: req.parentId ?? null,
        }),
      );
      return this.changed(m, agency);
    });
  }

  async update(p: Principal | undefined, req: UpdateAgencyRequest): Promise<AgencyView> {
    return this.dataSource.transaction(async (m) => {
      const agency = await this.load(m, p, req.id);
      requireRole(p, ['agency-admin'], agency.id);
      if (req.parentId !== undefined) {
        if (req.parentId) await this.checkParent(m, agency.regionCode, req.parentId, agency.id);
        agency.parentId = req.parentId;
      }
      if (req.name) agency.name = req.name.trim();
      // Closing an agency signs out everyone placed in it, system-admins included: the deployment's call.
      const closing = req.active === false && agency.active;
      if (req.active !== undefined && req.active !== agency.active) requireRole(p, ['system-admin']);
      if (req.active !== undefined) agency.active = req.active;
      // Its officers' tokens stop working everywhere now, not when they expire.
      if (closing) await announceRevocation(this.outbox, m, { reason: 'agency-closed', agencyId: agency.id });
      agency.updatedAt = new Date();
      await m.save(agency);
      return this.changed(m, agency);
    });
  }

  async get(p: Principal | undefined, req: GetAgencyRequest): Promise<AgencyView> {
    const where = req.id ? { id: req.id } : { regionCode: req.regionCode, code: req.code };
    const agency = await this.dataSource.getRepository(Agency).findOne({ where, relations: { units: true } });
    if (!agency || !canSeeRegion(p, agency.regionCode)) throw notFound();
    return toAgency(agency);
  }

  async list(p: Principal | undefined, req: ListAgenciesRequest): Promise<AgencyPage> {
    const region = req.regionCode ?? (p && !isSystemAdmin(p) ? p.region : undefined);
    if (region && !canSeeRegion(p, region)) throw new AppError('FORBIDDEN', 403, 'That region is not yours');
    if (!region && p && !isSystemAdmin(p)) throw AppError.invalid('/regionCode', 'is required');
    const limit = req.limit ?? 50;
    const after = decodeCursor(req.after, BY_NAME);
    const qb = this.dataSource
      .getRepository(Agency)
      .createQueryBuilder('a')
      .leftJoinAndSelect('a.units', 'u')
      .orderBy('a.name')
      .addOrderBy('a.id')
      .take(limit + 1);
    if (region) qb.andWhere('a.region_code = :region', { region });
    if (!req.includeInactive) qb.andWhere('a.active');
    if (after) qb.andWhere('(a.name, a.id) > (:name, :id)', { name: after[0], id: after[1] });
    const rows = await qb.getMany();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toAgency),
      nextCursor: rows.length > limit && last ? encodeCursor(BY_NAME, [last.name, last.id]) : null,
    };
  }

  async createUnit(p: Principal | undefined, req: CreateUnitRequest): Promise<UnitView> {
    return this.dataSource.transaction(async (m) => {
      const agency = await this.load(m, p, req.agencyId);
      requireRole(p, ['agency-admin'], agency.id);
      if (await m.findOneBy(Unit, { agencyId: agency.id, code: req.code })) {
        throw new AppError('ALREADY_EXISTS', 409, `Unit ${req.code} already exists`, [
          { path: '/code', message: 'already exists in this agency' },
        ]);
      }
      const unit = await m.save(
        m.create(Unit, { agencyId: agency.id, code: req.code, name: req.name.trim() }),
      );
      await this.changed(m, agency);
      return toUnit(unit);
    });
  }

  /** An agency the caller may see, with its units; 404 otherwise (no hint that it exists elsewhere). */
  async load(m: EntityManager, p: Principal | undefined, id: string): Promise<Agency> {
    const agency = await m.findOne(Agency, { where: { id }, relations: { units: true } });
    if (!agency || !canSeeRegion(p, agency.regionCode)) throw notFound();
    return agency;
  }

  private async checkParent(
    m: EntityManager,
    region: string,
    parentId: string,
    selfId?: string,
  ): Promise<void> {
    for (let id: string | null = parentId, hops = 0; id; hops++) {
      if (id === selfId || hops > 20)
        throw AppError.invalid('/parentId', 'would make an agency its own ancestor');
      const parent: Agency | null = await m.findOneBy(Agency, { id });
      if (!parent || parent.regionCode !== region)
        throw AppError.invalid('/parentId', 'is not an agency of the same region');
      id = parent.parentId;
    }
  }

  private async changed(m: EntityManager, agency: Agency): Promise<AgencyView> {
    const fresh = await m.findOneOrFail(Agency, { where: { id: agency.id }, relations: { units: true } });
    const view = toAgency(fresh);
    await this.outbox.add(m, 'evt.identity.agency-changed', view, {
      source: '/berkas/identity',
      subject: view.id,
    });
    return view;
  }
}
