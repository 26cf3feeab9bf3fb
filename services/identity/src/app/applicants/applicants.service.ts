import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { requirePrincipal } from '@berkas/auth';
import { AppError, type Applicant, type Principal, type RegisterRequest } from '@berkas/contracts';
import { Outbox } from '@berkas/messaging';
import { normalizeEmail, normalizePhone } from '../../domain/contact';
import { parseNib, parseNik } from '../../domain/identity-numbers';
import { passwordProblem } from '../../domain/password-policy';
import { Credential } from '../auth/credential.entity';
import { claimLoginNames } from '../auth/login-names';
import { hashPassword } from '../auth/passwords';
import { ApplicantAccount, Company } from './applicant.entity';

export function toApplicant(a: ApplicantAccount): Applicant {
  return {
    id: a.id,
    kind: a.kind,
    name: a.name,
    email: a.email,
    phone: a.phone,
    nik: a.nik,
    company: a.company ? { id: a.company.id, nib: a.company.nib, name: a.company.name } : null,
  };
}

interface NewAccount {
  name: string;
  email?: string;
  phone?: string;
  password: string;
}

@Injectable()
export class ApplicantsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  /** A citizen registers with their NIK, or the first staff member of a company with its NIB. */
  async register(req: RegisterRequest): Promise<Applicant> {
    const identity = this.checkIdentity(req);
    const account = this.checkAccount(req);
    const passwordHash = await hashPassword(req.password);
    return this.dataSource.transaction(async (m) => {
      let company: Company | null = null;
      if (identity.kind === 'company') {
        if (await m.findOneBy(Company, { nib: identity.nib })) {
          throw new AppError(
            'COMPANY_EXISTS',
            409,
            'This company is already registered; ask one of its members to add you',
            [{ path: '/nib', message: 'is already registered' }],
          );
        }
        company = await m.save(m.create(Company, { nib: identity.nib, name: identity.companyName }));
      }
      const nik = identity.kind === 'person' ? identity.nik : null;
      if (nik && (await m.findOneBy(ApplicantAccount, { nik }))) {
        throw new AppError('ALREADY_REGISTERED', 409, 'This NIK is already registered', [
          { path: '/nik', message: 'is already registered' },
        ]);
      }
      return this.createAccount(m, req.kind, account, passwordHash, { nik, company });
    });
  }

  /** A person needs a valid NIK; a company a valid NIB and its name; neither takes the other's fields. */
  private checkIdentity(
    req: RegisterRequest,
  ): { kind: 'person'; nik: string } | { kind: 'company'; nib: string; companyName: string } {
    if (req.kind === 'person') {
      if (!req.nik) throw AppError.invalid('/nik', 'is required for a person');
      if (req.nib || req.companyName) throw AppError.invalid('/nib', 'is only for a company');
      const nik = parseNik(req.nik);
      if (!nik.valid) throw AppError.invalid('/nik', nik.reason);
      return { kind: 'person', nik: req.nik.replace(/[\s.-]/g, '') };
    }
    if (!req.nib) throw AppError.invalid('/nib', 'is required for a company');
    if (!req.companyName) throw AppError.invalid('/companyName', 'is required for a company');
    if (req.nik) throw AppError.invalid('/nik', 'is only for a person');
    const nib = parseNib(req.nib);
    if (!nib.valid) throw AppError.invalid('/nib', nib.reason);
    return { kind: 'company', nib: nib.value, companyName: req.companyName.trim() };
  }

  /** A company member adds a colleague, who then signs in with their own email and password. */
  async addCompanyMember(principal: Principal | undefined, req: NewAccount): Promise<Applicant> {
    const p = requirePrincipal(principal);
    if (p.kind !== 'applicant' || !p.companyId)
      throw new AppError('FORBIDDEN', 403, 'Only a company account can add members');
    const account = this.checkAccount(req);
    const passwordHash = await hashPassword(req.password);
    return this.dataSource.transaction(async (m) => {
      const company = await m.findOneByOrFail(Company, { id: p.companyId });
      return this.createAccount(m, 'company', account, passwordHash, { nik: null, company });
    });
  }

  /** Officers and internal services see any applicant; an applicant sees themselves and their company's members. */
  async get(principal: Principal | undefined, id: string): Promise<Applicant> {
    const a = await this.dataSource
      .getRepository(ApplicantAccount)
      .findOne({ where: { id }, relations: { company: true } });
    const allowed =
      !principal ||
      principal.kind === 'staff' ||
      principal.id === id ||
      (!!principal.companyId && principal.companyId === a?.companyId);
    if (!a || !allowed) throw new AppError('NOT_FOUND', 404, 'No such applicant');
    return toApplicant(a);
  }

  private checkAccount(req: NewAccount): NewAccount {
    if (!req.email && !req.phone) throw AppError.invalid('/email', 'or a phone number is required');
    const email = req.email ? normalizeEmail(req.email) : undefined;
    const phone = req.phone ? normalizePhone(req.phone) : undefined;
    if (req.phone && !phone)
      throw AppError.invalid('/phone', 'is not an Indonesian phone number (such as 0812-3456-7890)');
    const problem = passwordProblem(req.password, [email ?? '', phone ?? '']);
    if (problem) throw AppError.invalid('/password', problem);
    return { name: req.name.trim(), email, phone: phone ?? undefined, password: req.password };
  }

  private async createAccount(
    m: EntityManager,
    kind: 'person' | 'company',
    account: NewAccount,
    passwordHash: string,
    extra: { nik: string | null; company: Company | null },
  ): Promise<Applicant> {
    // Sign-in names first: a taken email or phone is a 409 naming it, before anything is written.
    const id = randomUUID();
    await claimLoginNames(m, 'applicant', id, [
      { field: '/email', name: account.email },
      { field: '/phone', name: account.phone },
    ]);
    const saved = await m.save(
      m.create(ApplicantAccount, {
        id,
        kind,
        name: account.name,
        email: account.email ?? null,
        phone: account.phone ?? null,
        nik: extra.nik,
        companyId: extra.company?.id ?? null,
      }),
    );
    saved.company = extra.company;
    await m.insert(Credential, { principalKind: 'applicant', principalId: saved.id, passwordHash });
    await this.outbox.add(
      m,
      'evt.identity.applicant-registered',
      { applicantId: saved.id, kind, ...(extra.company ? { companyId: extra.company.id } : {}) },
      { source: '/berkas/identity', subject: saved.id },
    );
    return toApplicant(saved);
  }
}
