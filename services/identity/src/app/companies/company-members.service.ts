import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, MoreThan } from 'typeorm';
import { requirePrincipal } from '@berkas/auth';
import { AppError, type CompanyMember, type CompanyMembers, type Principal } from '@berkas/contracts';
import { masked } from '../../domain/one-time-code';
import { ApplicantAccount, Company } from '../applicants/applicant.entity';
import { PendingRegistration } from '../applicants/pending-registration.entity';
import { LoginName } from '../auth/credential.entity';
import { SessionsService } from '../auth/sessions.service';

const toMember = (a: ApplicantAccount): CompanyMember => ({
  id: a.id,
  name: a.name,
  email: a.email,
  phone: a.phone,
  admin: a.companyAdmin,
  joinedAt: a.createdAt.toISOString(),
  removedAt: a.removedAt?.toISOString() ?? null,
});

/** The company a signed-in member acts for; anyone else is refused. */
function companyOf(principal: Principal | undefined): { memberId: string; companyId: string } {
  const p = requirePrincipal(principal);
  if (p.kind !== 'applicant' || !p.companyId)
    throw new AppError('FORBIDDEN', 403, "Only a company's members see and manage its members");
  return { memberId: p.id, companyId: p.companyId };
}

/**
 * Who acts for a company. Every member sees the list; its admin member removes people, and a
 * removed member's access ends at once: the account is closed, every sign-in revoked (access tokens
 * too, through the revocation event), and its email and phone freed for another account.
 */
@Injectable()
export class CompanyMembersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sessions: SessionsService,
  ) {}

  async list(principal: Principal | undefined): Promise<CompanyMembers> {
    const { companyId } = companyOf(principal);
    const [company, members, invited] = await Promise.all([
      this.dataSource.getRepository(Company).findOneByOrFail({ id: companyId }),
      this.dataSource
        .getRepository(ApplicantAccount)
        .find({ where: { companyId }, order: { createdAt: 'ASC', id: 'ASC' } }),
      this.dataSource.getRepository(PendingRegistration).find({
        where: { kind: 'company-member', expiresAt: MoreThan(new Date()) },
        order: { createdAt: 'ASC' },
      }),
    ]);
    return {
      company: { id: company.id, nib: company.nib, name: company.name },
      members: members.map(toMember),
      invitations: invited
        .filter((r) => r.details.companyId === companyId)
        .map((r) => ({
          name: r.details.name,
          sentTo: masked(r.login),
          expiresAt: r.expiresAt.toISOString(),
        })),
    };
  }

  async remove(principal: Principal | undefined, id: string): Promise<CompanyMember> {
    const { memberId, companyId } = companyOf(principal);
    return this.dataSource.transaction(async (m) => {
      const admin = await m.findOne(ApplicantAccount, {
        where: { id: memberId, companyId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!admin?.companyAdmin || !admin.active)
        throw new AppError('FORBIDDEN', 403, "Only the company's admin member removes members");
      if (id === memberId)
        throw new AppError('FORBIDDEN', 403, 'An admin cannot remove themselves; another admin must');
      const member = await m.findOne(ApplicantAccount, {
        where: { id, companyId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!member) throw new AppError('NOT_FOUND', 404, 'No such member of your company');
      if (member.removedAt) return toMember(member); // removed already: the same answer again
      Object.assign(member, {
        active: false,
        companyAdmin: false,
        removedAt: new Date(),
        removedBy: memberId,
      });
      await m.save(member);
      await m.delete(LoginName, { principalKind: 'applicant', principalId: id });
      await this.sessions.revokeAll(m, 'applicant', id, 'deactivated');
      return toMember(member);
    });
  }
}
