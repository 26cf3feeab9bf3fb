import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull, LessThanOrEqual, MoreThan, type EntityManager } from 'typeorm';
import { canSeeRegion, isSystemAdmin, requireRole, type Capacity } from '@berkas/auth';
import {
  AppError,
  type CreateStaffRequest,
  type GetStaffRequest,
  type ListStaffRequest,
  type MembersOfRoleRequest,
  type Principal,
  type RoleMembers,
  type Staff,
  type StaffChanged,
  type StaffHistory,
  type StaffPage,
  type StaffRole,
  type UpdateStaffRequest,
  decodeCursor,
  encodeCursor,
} from '@berkas/contracts';
import { Outbox } from '@berkas/messaging';
import { announceRevocation } from '../auth/revocations';
import { normalizeEmail, normalizePhone } from '../../domain/contact';
import { parseNip } from '../../domain/identity-numbers';
import { passwordProblem } from '../../domain/password-policy';
import { Agency, Unit } from '../agencies/agency.entity';
import { AgenciesService } from '../agencies/agencies.service';
import { Credential } from '../auth/credential.entity';
import { claimLoginNames, releaseLoginName } from '../auth/login-names';
import { hashPassword } from '../auth/passwords';
import { SessionsService } from '../auth/sessions.service';
import { DelegationRecord, StaffAssignment, StaffMember } from './staff.entity';
import { delegatedRoles } from './delegated-roles';
import { requireGrantingRole } from './granting';

/** Lists by name: keyset (name, id). */
const BY_NAME = ['text', 'uuid'] as const;

const agencyRef = (a: Agency) => ({ id: a.id, code: a.code, name: a.name, regionCode: a.regionCode });

export function toStaff(s: StaffMember): Staff {
  return {
    id: s.id,
    nip: s.nip,
    employment: s.employment,
    name: s.name,
    email: s.email,
    phone: s.phone,
    agency: agencyRef(s.agency),
    unitId: s.unitId,
    position: s.position,
    roles: s.roles,
    supervisorId: s.supervisorId,
    active: s.active,
  };
}

export interface RoleInAgency {
  agencyId: string;
  role: StaffRole;
}

/** The officers who can act in a role in an agency now (StaffService.roleHolders). */
export interface RoleHolders {
  /** By their own position, by name. */
  own: StaffMember[];
  /** As acting official (Plt/Plh), with the running delegation that makes them one. */
  acting: { staff: StaffMember; delegation: DelegationRecord }[];
}

const notFound = () => new AppError('NOT_FOUND', 404, 'No such officer');
const sameRoles = (a: readonly string[], b: readonly string[]) =>
  [...a].sort().join() === [...b].sort().join();

@Injectable()
export class StaffService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly agencies: AgenciesService,
    private readonly sessions: SessionsService,
    private readonly outbox: Outbox,
  ) {}

  async create(p: Principal | undefined, req: CreateStaffRequest): Promise<Staff> {
    const capacity = req.roles.length
      ? requireGrantingRole(p, req.agencyId)
      : requireRole(p, ['agency-admin'], req.agencyId);
    if (req.roles.includes('system-admin') && !isSystemAdmin(p)) {
      throw new AppError('FORBIDDEN', 403, 'Only a system-admin can grant system-admin');
    }
    const nip = parseNip(req.nip);
    if (!nip.valid) throw AppError.invalid('/nip', nip.reason);
    const email = normalizeEmail(req.email);
    const phone = req.phone ? normalizePhone(req.phone) : null;
    if (req.phone && !phone) throw AppError.invalid('/phone', 'is not an Indonesian phone number');
    const nipDigits = req.nip.replace(/[\s.-]/g, '');
    const problem = passwordProblem(req.password, [email, nipDigits, phone ?? '']);
    if (problem) throw AppError.invalid('/password', problem);
    const passwordHash = await hashPassword(req.password);

    return this.dataSource.transaction(async (m) => {
      const agency = await this.agencies.load(m, p, req.agencyId);
      if (!agency.active) throw AppError.invalid('/agencyId', 'is not an active agency');
      await this.checkPlacement(m, agency, req.unitId ?? null, req.supervisorId ?? null);
      const id = randomUUID();
      await claimLoginNames(m, 'staff', id, [
        { field: '/nip', name: nipDigits },
        { field: '/email', name: email },
        { field: '/phone', name: phone },
      ]);
      const staff = await m.save(
        m.create(StaffMember, {
          id,
          nip: nipDigits,
          employment: nip.value.employment,
          name: req.name.trim(),
          email,
          phone,
          agencyId: agency.id,
          unitId: req.unitId ?? null,
          position: req.position.trim(),
          roles: req.roles,
          supervisorId: req.supervisorId ?? null,
        }),
      );
      staff.agency = agency;
      // An admin chose this password: the officer replaces it when first signing in. The demo's
      // seeder (the system itself) publishes its password in the README, for trying the system.
      await m.insert(Credential, {
        principalKind: 'staff',
        principalId: id,
        passwordHash,
        passwordChangeRequired: p?.kind !== 'system',
      });
      await this.openAssignment(m, staff, p, capacity);
      return this.changed(m, staff, 'created');
    });
  }

  async update(p: Principal | undefined, req: UpdateStaffRequest): Promise<Staff> {
    return this.dataSource.transaction(async (m) => {
      const staff = await this.load(m, p, { id: req.id });
      const regranting = !!req.roles && !sameRoles(req.roles, staff.roles);
      const moving = !!req.agencyId && req.agencyId !== staff.agencyId;
      const capacity =
        regranting || moving
          ? requireGrantingRole(p, staff.agencyId)
          : requireRole(p, ['agency-admin'], staff.agencyId);
      if (!isSystemAdmin(p)) {
        // An agency-admin manages their officers, not the deployment's administrators (whose email
        // they could otherwise redirect), and not their own roles.
        if (staff.roles.includes('system-admin') || req.roles?.includes('system-admin'))
          throw new AppError('FORBIDDEN', 403, "Only a system-admin can change a system-admin's account");
        if (regranting && staff.id === p?.id)
          throw new AppError('FORBIDDEN', 403, 'You cannot change your own roles; ask another admin');
      }
      let target = staff.agency;
      if (req.agencyId && req.agencyId !== staff.agencyId) {
        target = await this.agencies.load(m, p, req.agencyId);
        requireGrantingRole(p, target.id); // a move needs authority on both sides
        if (!target.active) throw AppError.invalid('/agencyId', 'is not an active agency');
      }
      const unitId =
        req.unitId !== undefined
          ? req.unitId
          : req.agencyId && req.agencyId !== staff.agencyId
            ? null
            : staff.unitId;
      const supervisorId = req.supervisorId !== undefined ? req.supervisorId : staff.supervisorId;
      await this.checkPlacement(m, target, unitId, supervisorId, staff.id);

      if (req.email && normalizeEmail(req.email) !== staff.email) {
        const email = normalizeEmail(req.email);
        await claimLoginNames(m, 'staff', staff.id, [{ field: '/email', name: email }]);
        await releaseLoginName(m, 'staff', staff.id, staff.email);
        staff.email = email;
      }
      if (req.phone !== undefined) {
        const phone = req.phone ? normalizePhone(req.phone) : null;
        if (req.phone && !phone) throw AppError.invalid('/phone', 'is not an Indonesian phone number');
        if (phone !== staff.phone) {
          await claimLoginNames(m, 'staff', staff.id, [{ field: '/phone', name: phone }]);
          await releaseLoginName(m, 'staff', staff.id, staff.phone);
          staff.phone = phone;
        }
      }
      const moved = target.id !== staff.agencyId;
      const reassigned =
        moved ||
        unitId !== staff.unitId ||
        (req.position !== undefined && req.position.trim() !== staff.position) ||
        (req.roles !== undefined && !sameRoles(req.roles, staff.roles));
      if (req.name) staff.name = req.name.trim();
      staff.agencyId = target.id;
      staff.agency = target;
      staff.unitId = unitId;
      staff.supervisorId = supervisorId;
      if (req.position) staff.position = req.position.trim();
      if (req.roles) staff.roles = req.roles;
      const deactivated = req.active === false && staff.active;
      if (req.active !== undefined) staff.active = req.active;
      staff.updatedAt = new Date();
      await m.save(staff);
      if (reassigned) {
        await m.update(StaffAssignment, { staffId: staff.id, endedAt: IsNull() }, { endedAt: new Date() });
        await this.openAssignment(m, staff, p, capacity);
      }
      // New roles, a new agency or a deactivation must not live on in old refresh tokens.
      if (reassigned || deactivated) {
        await this.sessions.revokeAll(m, 'staff', staff.id, deactivated ? 'deactivated' : 'reassigned');
        // Those acting for this officer act with the officer's roles as they are now (delegatedRoles).
        const acting = await m.findBy(DelegationRecord, { holderId: staff.id, revokedAt: IsNull() });
        for (const d of acting)
          await announceRevocation(this.outbox, m, { reason: 'reassigned', principalId: d.delegateId });
      }
      return this.changed(m, staff, deactivated ? 'deactivated' : moved ? 'moved' : 'updated');
    });
  }

  async get(p: Principal | undefined, req: GetStaffRequest): Promise<Staff> {
    return toStaff(await this.load(this.dataSource.manager, p, req.id ? { id: req.id } : { nip: req.nip }));
  }

  async list(p: Principal | undefined, req: ListStaffRequest): Promise<StaffPage> {
    const agency = await this.agencies.load(this.dataSource.manager, p, req.agencyId);
    if (p?.kind === 'applicant') throw notFound();
    const limit = req.limit ?? 50;
    const after = decodeCursor(req.after, BY_NAME);
    const qb = this.dataSource
      .getRepository(StaffMember)
      .createQueryBuilder('s')
      .innerJoinAndSelect('s.agency', 'a')
      .where('s.agency_id = :agency', { agency: agency.id })
      .orderBy('s.name')
      .addOrderBy('s.id')
      .take(limit + 1);
    if (req.role) qb.andWhere(':role = ANY(s.roles)', { role: req.role });
    if (!req.includeInactive) qb.andWhere('s.active');
    if (after) qb.andWhere('(s.name, s.id) > (:name, :id)', { name: after[0], id: after[1] });
    const rows = await qb.getMany();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toStaff),
      nextCursor: rows.length > limit && last ? encodeCursor(BY_NAME, [last.name, last.id]) : null,
    };
  }

  async history(p: Principal | undefined, id: string): Promise<StaffHistory> {
    const staff = await this.load(this.dataSource.manager, p, { id });
    const rows = await this.dataSource.getRepository(StaffAssignment).find({
      where: { staffId: staff.id },
      relations: { agency: true },
      order: { startedAt: 'ASC' },
    });
    return {
      staffId: staff.id,
      assignments: rows.map((r) => ({
        agency: agencyRef(r.agency),
        unitId: r.unitId,
        position: r.position,
        roles: r.roles,
        startedAt: r.startedAt.toISOString(),
        endedAt: r.endedAt?.toISOString() ?? null,
      })),
    };
  }

  /** Who can act in a role in an agency now: holders of the position and acting officials. */
  async membersOfRole(p: Principal | undefined, req: MembersOfRoleRequest): Promise<RoleMembers> {
    const agency = req.agencyId
      ? await this.agencies.load(this.dataSource.manager, p, req.agencyId)
      : await this.dataSource
          .getRepository(Agency)
          .findOneBy({ regionCode: req.regionCode, code: req.agencyCode });
    if (!agency || !canSeeRegion(p, agency.regionCode))
      throw new AppError('NOT_FOUND', 404, 'No such agency');
    const [{ own, acting }] = await this.roleHolders([{ agencyId: agency.id, role: req.role }]);
    return {
      agency: agencyRef(agency),
      role: req.role,
      members: [
        ...own.map((s) => ({ staffId: s.id, name: s.name, nip: s.nip, via: 'position' as const })),
        ...acting.map(({ staff: s, delegation: d }) => ({
          staffId: s.id,
          name: s.name,
          nip: s.nip,
          via: 'delegation' as const,
          onBehalfOf: d.holderId,
          until: d.endsAt.toISOString(),
        })),
      ],
    };
  }

  /**
   * Who can act in each role in each agency now, one entry per pair asked: the active officers who
   * hold it by their own position (by name), then the active acting officials (Plt/Plh) a running
   * delegation gives it to. Three queries however many pairs; an unknown agency has nobody. No
   * visibility check: for callers that made their own (membersOfRole) or services.
   */
  async roleHolders(pairs: readonly RoleInAgency[]): Promise<RoleHolders[]> {
    if (!pairs.length) return [];
    const agencyIds = [...new Set(pairs.map((q) => q.agencyId))];
    const roles = [...new Set(pairs.map((q) => q.role))];
    const staff = this.dataSource.getRepository(StaffMember);
    const now = new Date();
    const [own, running] = await Promise.all([
      staff
        .createQueryBuilder('s')
        .where('s.agency_id IN (:...agencyIds) AND s.active AND s.roles && CAST(:roles AS text[])', {
          agencyIds,
          roles,
        })
        .orderBy('s.name')
        .addOrderBy('s.id')
        .getMany(),
      this.dataSource.getRepository(DelegationRecord).find({
        where: {
          agencyId: In(agencyIds),
          revokedAt: IsNull(),
          startsAt: LessThanOrEqual(now),
          endsAt: MoreThan(now),
        },
        relations: { holder: true },
        order: { startsAt: 'ASC', id: 'ASC' },
      }),
    ]);
    const gives = (d: DelegationRecord & { holder: StaffMember }, q: RoleInAgency) =>
      d.agencyId === q.agencyId && delegatedRoles(d).includes(q.role);
    const delegateIds = [
      ...new Set(running.filter((d) => pairs.some((q) => gives(d, q))).map((d) => d.delegateId)),
    ];
    const delegates = delegateIds.length ? await staff.findBy({ id: In(delegateIds), active: true }) : [];
    const byId = new Map(delegates.map((s) => [s.id, s]));
    return pairs.map((q) => ({
      own: own.filter((s) => s.agencyId === q.agencyId && s.roles.includes(q.role)),
      acting: running.flatMap((d) => {
        const s = gives(d, q) ? byId.get(d.delegateId) : undefined;
        return s ? [{ staff: s, delegation: d }] : []; // an acting official since deactivated: none
      }),
    }));
  }

  /** An officer the caller may see (same region, or system-admin, or an internal call); 404 otherwise. */
  async load(
    m: EntityManager,
    p: Principal | undefined,
    where: { id?: string; nip?: string },
  ): Promise<StaffMember> {
    const staff = await m.findOne(StaffMember, { where, relations: { agency: true } });
    if (!staff || p?.kind === 'applicant' || !canSeeRegion(p, staff.agency.regionCode)) throw notFound();
    return staff;
  }

  private async checkPlacement(
    m: EntityManager,
    agency: Agency,
    unitId: string | null,
    supervisorId: string | null,
    selfId?: string,
  ) {
    if (unitId && !(await m.findOneBy(Unit, { id: unitId, agencyId: agency.id }))) {
      throw AppError.invalid('/unitId', 'is not a unit of that agency');
    }
    if (supervisorId) {
      if (supervisorId === selfId)
        throw AppError.invalid('/supervisorId', 'cannot be the officer themselves');
      const supervisor = await m.findOne(StaffMember, {
        where: { id: supervisorId },
        relations: { agency: true },
      });
      if (!supervisor?.active || supervisor.agency.regionCode !== agency.regionCode) {
        throw AppError.invalid('/supervisorId', 'is not an active officer of the same region');
      }
    }
  }

  /** Records who made the change, and whose authority they used when acting for someone (Plt/Plh). */
  private async openAssignment(
    m: EntityManager,
    s: StaffMember,
    p: Principal | undefined,
    capacity: Capacity,
  ): Promise<void> {
    await m.insert(StaffAssignment, {
      staffId: s.id,
      agencyId: s.agencyId,
      unitId: s.unitId,
      position: s.position,
      roles: s.roles,
      changedBy: p?.id ?? null,
      changedOnBehalfOf: capacity.via === 'delegation' ? capacity.acting.holderId : null,
    });
  }

  private async changed(
    m: EntityManager,
    staff: StaffMember,
    change: StaffChanged['change'],
  ): Promise<Staff> {
    const view = toStaff(staff);
    await this.outbox.add(
      m,
      'evt.identity.staff-changed',
      { staff: view, change },
      { source: '/berkas/identity', subject: staff.id },
    );
    return view;
  }
}
