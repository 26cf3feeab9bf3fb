import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, LessThanOrEqual, MoreThan, type EntityManager } from 'typeorm';
import { AppError, type ActingRole, type Principal } from '@berkas/contracts';
import { ApplicantAccount } from '../applicants/applicant.entity';
import { delegatedRoles } from '../staff/delegated-roles';
import { DelegationRecord, StaffMember } from '../staff/staff.entity';
import { Credential, type PrincipalKind } from './credential.entity';

/** Builds the principal a token carries, from the current state of the account. */
@Injectable()
export class PrincipalsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Throws 401 when the account is gone or deactivated: such a person gets no new tokens. */
  async build(
    kind: PrincipalKind,
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Principal> {
    return kind === 'staff' ? this.staff(id, manager) : this.applicant(id, manager);
  }

  private async staff(id: string, m: EntityManager): Promise<Principal> {
    const staff = await m.findOne(StaffMember, { where: { id }, relations: { agency: true } });
    if (!staff?.active || !staff.agency.active)
      throw new AppError('ACCOUNT_DISABLED', 401, 'This account is not active');
    const now = new Date();
    const delegations = await m.find(DelegationRecord, {
      where: { delegateId: id, revokedAt: IsNull(), startsAt: LessThanOrEqual(now), endsAt: MoreThan(now) },
      relations: { holder: true, agency: true },
      order: { endsAt: 'ASC' },
    });
    const acting: ActingRole[] = delegations.flatMap((d) => {
      const roles = delegatedRoles(d);
      if (!roles.length) return [];
      return [
        {
          delegationId: d.id,
          kind: d.kind,
          holderId: d.holderId,
          holderName: d.holder.name,
          agencyId: d.agencyId,
          agencyCode: d.agency.code,
          roles,
          until: d.endsAt.toISOString(),
        },
      ];
    });
    const credential = await m.findOneBy(Credential, { principalKind: 'staff', principalId: id });
    return {
      kind: 'staff',
      id: staff.id,
      name: staff.name,
      agencyId: staff.agencyId,
      agencyCode: staff.agency.code,
      region: staff.agency.regionCode,
      roles: staff.roles,
      ...(acting.length ? { acting } : {}),
      ...(credential?.passwordChangeRequired ? { passwordChangeRequired: true } : {}),
    };
  }

  private async applicant(id: string, m: EntityManager): Promise<Principal> {
    const applicant = await m.findOne(ApplicantAccount, { where: { id }, relations: { company: true } });
    if (!applicant?.active) throw new AppError('ACCOUNT_DISABLED', 401, 'This account is not active');
    return {
      kind: 'applicant',
      id: applicant.id,
      name: applicant.name,
      ...(applicant.company
        ? {
            companyId: applicant.company.id,
            company: applicant.company.nib,
            companyName: applicant.company.name,
          }
        : {}),
    };
  }
}
