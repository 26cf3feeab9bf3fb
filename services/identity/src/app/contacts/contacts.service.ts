import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull } from 'typeorm';
import type { Contacts, ContactsRequest } from '@berkas/contracts';
import { ApplicantAccount } from '../applicants/applicant.entity';
import { StaffMember } from '../staff/staff.entity';
import { StaffService } from '../staff/staff.service';

type Person = Contacts['people'][number];
type Reachable = Pick<ApplicantAccount | StaffMember, 'id' | 'name' | 'email' | 'phone'>;

/**
 * The people the notifications service must reach about a file, with their email and phone: the
 * applicants' accounts, every member of the companies, the officers named, and those who can act in
 * each role in each agency now (the same answer as `identity.staff.members-of-role`). Closed accounts
 * and inactive officers are left out; each person appears once, in the order of the request (its
 * applicants, companies, officers, then roles). Unknown ids and agencies give nobody.
 *
 * Only the notifications service calls it, which the entry checks (proto/ `callers`): it sees
 * every region, so there is nothing to check here.
 */
@Injectable()
export class ContactsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly staff: StaffService,
  ) {}

  async resolve(req: ContactsRequest): Promise<Contacts> {
    const { applicantIds = [], companyIds = [], staffIds = [], roles = [] } = req;
    const [accounts, officers, holders] = await Promise.all([
      this.accounts(applicantIds, companyIds),
      staffIds.length
        ? this.dataSource.getRepository(StaffMember).findBy({ id: In(staffIds), active: true })
        : [],
      this.staff.roleHolders(roles),
    ]);

    const people = new Map<string, Person>();
    const add = (kind: Person['kind'], r: Reachable | undefined) => {
      if (r && !people.has(r.id))
        people.set(r.id, { personId: r.id, kind, name: r.name, email: r.email, phone: r.phone });
    };
    const accountById = new Map(accounts.map((a) => [a.id, a]));
    for (const id of applicantIds) add('applicant', accountById.get(id));
    for (const companyId of companyIds)
      for (const a of accounts) if (a.companyId === companyId) add('applicant', a);
    const officerById = new Map(officers.map((s) => [s.id, s]));
    for (const id of staffIds) add('staff', officerById.get(id));
    for (const { own, acting } of holders) {
      for (const s of own) add('staff', s);
      for (const { staff } of acting) add('staff', staff);
    }
    return { people: [...people.values()] };
  }

  /** The open accounts asked for by id and those of the companies' members, in one query. */
  private accounts(ids: readonly string[], companyIds: readonly string[]): Promise<ApplicantAccount[]> {
    const open = { active: true, removedAt: IsNull() };
    const where = [
      ...(ids.length ? [{ id: In([...ids]), ...open }] : []),
      ...(companyIds.length ? [{ companyId: In([...companyIds]), ...open }] : []),
    ];
    if (!where.length) return Promise.resolve([]);
    return this.dataSource
      .getRepository(ApplicantAccount)
      .find({ where, order: { createdAt: 'ASC', id: 'ASC' } });
  }
}
