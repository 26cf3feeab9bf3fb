import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { currentService, requirePrincipal } from '@berkas/auth';
import {
  AppError,
  type AddCompanyMemberRequest,
  type Applicant,
  type ApplicantLookup,
  type ApplicantMatch,
  type ConfirmRegistrationRequest,
  type Principal,
  type RegisterRequest,
  type RegistrationStarted,
} from '@berkas/contracts';
import { Outbox } from '@berkas/messaging';
import { loginNameOf, normalizeEmail, normalizePhone } from '../../domain/contact';
import { parseNib, parseNik } from '../../domain/identity-numbers';
import {
  answerFloor,
  codeHash,
  codeMatches,
  masked,
  MAX_CODE_TRIES,
  newCode,
} from '../../domain/one-time-code';
import { passwordProblem } from '../../domain/password-policy';
import { Credential, LoginName } from '../auth/credential.entity';
import { claimLoginNames } from '../auth/login-names';
import { hashPassword } from '../auth/passwords';
import { OutgoingMessages } from '../messages/outgoing-messages.service';
import {
  alreadyRegistered,
  claimInstead,
  identityTaken,
  invitation,
  INVITATION_HOURS,
  REGISTRATION_CODE_MINUTES,
  registrationCode,
  type Wording,
} from '../messages/templates';
import { ApplicantAccount, Company } from './applicant.entity';
import { PendingRegistration, type RegistrationDetails } from './pending-registration.entity';

export function toApplicant(a: ApplicantAccount): Applicant {
  return {
    id: a.id,
    kind: a.kind,
    name: a.name,
    email: a.email,
    phone: a.phone,
    nik: a.nik,
    company: a.company ? { id: a.company.id, nib: a.company.nib, name: a.company.name } : null,
    ...(a.companyId ? { companyAdmin: a.companyAdmin } : {}),
  };
}

interface NewAccount {
  name: string;
  email?: string;
  phone?: string;
}

const wrongCode = () =>
  new AppError('INVALID_CODE', 400, 'The code is wrong or has expired; check it, or register again', [
    { path: '/code', message: 'is wrong or has expired' },
  ]);

/**
 * Applicant accounts. Registering (and inviting a company member) never says whether an email,
 * phone, NIK or NIB already has an account: it always answers "a code was sent", and the message
 * sent tells the owner of the address what happened instead (security review, finding 5). The
 * account exists once the code comes back, which also proves the address is the registrant's.
 */
@Injectable()
export class ApplicantsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly messages: OutgoingMessages,
  ) {}

  /** A citizen registers with their NIK, or the first staff member of a company with its NIB. */
  async register(req: RegisterRequest): Promise<RegistrationStarted> {
    const started = Date.now();
    const identity = this.checkIdentity(req);
    const account = this.checkAccount(req);
    const problem = passwordProblem(req.password, [account.email ?? '', account.phone ?? '']);
    if (problem) throw AppError.invalid('/password', problem);
    const passwordHash = await hashPassword(req.password);
    const details: RegistrationDetails = {
      name: account.name,
      email: account.email ?? null,
      phone: account.phone ?? null,
      ...(identity.kind === 'person'
        ? { nik: identity.nik }
        : { nib: identity.nib, companyName: identity.companyName }),
    };
    return this.answerAtFloor(started, (m) =>
      this.startRegistration(
        m,
        identity.kind,
        details,
        passwordHash,
        REGISTRATION_CODE_MINUTES * 60_000,
        async () => {
          const holder =
            identity.kind === 'person' ? await m.findOneBy(ApplicantAccount, { nik: identity.nik }) : null;
          if (holder)
            // An account a counter opened and nobody claimed yet is taken over with the receipt's number.
            return (await m.existsBy(Credential, { principalKind: 'applicant', principalId: holder.id }))
              ? identityTaken('NIK')
              : claimInstead();
          if (identity.kind === 'company' && (await m.findOneBy(Company, { nib: identity.nib })))
            return identityTaken('NIB');
          return null;
        },
        registrationCode,
      ),
    );
  }

  /** A company's admin member invites a colleague, who confirms with the code and chooses a password. */
  async addCompanyMember(
    principal: Principal | undefined,
    req: AddCompanyMemberRequest,
  ): Promise<RegistrationStarted> {
    const started = Date.now();
    const p = requirePrincipal(principal);
    if (p.kind !== 'applicant' || !p.companyId)
      throw new AppError('FORBIDDEN', 403, 'Only a company account can add members');
    const inviter = await this.dataSource.getRepository(ApplicantAccount).findOneBy({ id: p.id });
    if (!inviter?.companyAdmin || !inviter.active)
      throw new AppError('FORBIDDEN', 403, "Only the company's admin member adds members");
    const account = this.checkAccount(req);
    const company = await this.dataSource.getRepository(Company).findOneByOrFail({ id: p.companyId });
    const details: RegistrationDetails = {
      name: account.name,
      email: account.email ?? null,
      phone: account.phone ?? null,
      companyId: company.id,
    };
    return this.answerAtFloor(started, (m) =>
      this.startRegistration(
        m,
        'company-member',
        details,
        null,
        INVITATION_HOURS * 3600_000,
        async () => null,
        (code) => invitation(company.name, code),
      ),
    );
  }

  /**
   * Creates an account at once, its address taken as confirmed: for identity's own demo data
   * (DEMO_DATA, refused in production), never reachable over NATS. A company's later members join it.
   */
  async createConfirmed(req: RegisterRequest): Promise<Applicant> {
    const identity = this.checkIdentity(req);
    const account = this.checkAccount(req);
    const passwordHash = await hashPassword(req.password);
    return this.dataSource.transaction(async (m) => {
      const existing = identity.kind === 'company' ? await m.findOneBy(Company, { nib: identity.nib }) : null;
      const company =
        identity.kind === 'company'
          ? (existing ?? (await m.save(m.create(Company, { nib: identity.nib, name: identity.companyName }))))
          : null;
      return this.createAccount(m, req.kind, account, passwordHash, {
        nik: identity.kind === 'person' ? identity.nik : null,
        company,
        companyAdmin: !!company && !existing,
      });
    });
  }

  /** Creates the account of a pending registration when its code is right. */
  async confirm(req: ConfirmRegistrationRequest): Promise<Applicant> {
    const login = loginNameOf(req.login);
    const passwordHash = req.password ? await hashPassword(req.password) : null;
    const outcome = await this.dataSource.transaction(async (m) => {
      const pending = login
        ? await m
            .getRepository(PendingRegistration)
            .createQueryBuilder('r')
            .setLock('pessimistic_write')
            .where({ login })
            .getOne()
        : null;
      if (!pending || pending.expiresAt <= new Date()) return { error: wrongCode() };
      if (!codeMatches(req.code, pending.id, pending.codeHash)) {
        // Five wrong tries end the registration: six digits are not guessed that way.
        if (pending.attempts + 1 >= MAX_CODE_TRIES) await m.delete(PendingRegistration, { id: pending.id });
        else await m.update(PendingRegistration, { id: pending.id }, { attempts: pending.attempts + 1 });
        return { error: wrongCode() };
      }
      const details = pending.details;
      const hash = pending.passwordHash ?? passwordHash;
      if (!hash) throw AppError.invalid('/password', 'is required to accept an invitation');
      if (!pending.passwordHash && req.password) {
        const problem = passwordProblem(req.password, [details.email ?? '', details.phone ?? '']);
        if (problem) throw AppError.invalid('/password', problem);
      }
      await m.delete(PendingRegistration, { id: pending.id });
      let company: Company | null = null;
      if (pending.kind === 'company') {
        if (await m.findOneBy(Company, { nib: details.nib }))
          throw new AppError(
            'COMPANY_EXISTS',
            409,
            'This company was registered meanwhile; ask one of its members to add you',
          );
        company = await m.save(m.create(Company, { nib: details.nib, name: details.companyName }));
      }
      if (pending.kind === 'company-member')
        company = await m.findOneByOrFail(Company, { id: details.companyId });
      if (details.nik && (await m.findOneBy(ApplicantAccount, { nik: details.nik })))
        throw new AppError('ALREADY_REGISTERED', 409, 'This NIK was registered meanwhile', [
          { path: '/nik', message: 'is already registered' },
        ]);
      const applicant = await this.createAccount(
        m,
        pending.kind === 'person' ? 'person' : 'company',
        { name: details.name, email: details.email ?? undefined, phone: details.phone ?? undefined },
        hash,
        // Whoever registers a company is its first admin member; invited members are not.
        { nik: details.nik ?? null, company, companyAdmin: pending.kind === 'company' },
      );
      return { applicant };
    });
    // A wrong code's try is counted (committed) before it is refused.
    if ('error' in outcome && outcome.error) throw outcome.error;
    return outcome.applicant as Applicant;
  }

  /**
   * Queues the message for the registrant's address (the email, else the phone): a code for a new
   * registration, or, when the address or the identity already has an account, a notice saying so.
   * The answer is the same either way.
   */
  private async startRegistration(
    m: EntityManager,
    kind: PendingRegistration['kind'],
    details: RegistrationDetails,
    passwordHash: string | null,
    validMs: number,
    identityTakenNotice: () => Promise<Wording | null>,
    codeMessage: (code: string) => Wording,
  ): Promise<RegistrationStarted> {
    const login = (details.email ?? details.phone) as string;
    const expiresAt = new Date(Date.now() + validMs);
    const addressTaken = !!(await m.findOneBy(LoginName, [
      ...(details.email ? [{ name: details.email }] : []),
      ...(details.phone ? [{ name: details.phone }] : []),
    ]));
    const notice = addressTaken ? alreadyRegistered() : await identityTakenNotice();
    let wording = notice;
    if (!notice) {
      const id = randomUUID();
      const code = newCode();
      await m.delete(PendingRegistration, { login }); // a new registration replaces an older one
      await m.insert(PendingRegistration, {
        id,
        login,
        kind,
        details,
        passwordHash,
        codeHash: codeHash(code, id),
        attempts: 0,
        expiresAt,
        createdAt: new Date(),
      });
      wording = codeMessage(code);
    }
    const channel = await this.messages.enqueue(m, details, wording as Wording, { secret: !notice });
    return { sentTo: masked(login), channel, expiresAt: expiresAt.toISOString() };
  }

  /** Runs `work` in a transaction, sends what it queued, and answers no sooner than the answer floor. */
  private async answerAtFloor<T>(started: number, work: (m: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.dataSource.transaction(work);
    this.messages.kick();
    await answerFloor(started);
    return result;
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

  /** Officers and services acting on their own see any applicant; an applicant sees themselves and their company's members. */
  async get(principal: Principal | undefined, id: string): Promise<Applicant> {
    const a = await this.dataSource
      .getRepository(ApplicantAccount)
      .findOne({ where: { id }, relations: { company: true } });
    const allowed = principal
      ? principal.kind === 'staff' ||
        principal.id === id ||
        (!!principal.companyId && principal.companyId === a?.companyId)
      : !!currentService();
    if (!a || !allowed) throw new AppError('NOT_FOUND', 404, 'No such applicant');
    return toApplicant(a);
  }

  /** The person's account with a NIK, or the company with a NIB (for permits' inbox search). */
  async find(req: ApplicantLookup): Promise<ApplicantMatch> {
    const m = this.dataSource.manager;
    const person = req.nik ? await m.findOneBy(ApplicantAccount, { nik: req.nik, kind: 'person' }) : null;
    const company = req.nib ? await m.findOneBy(Company, { nib: req.nib }) : null;
    return { applicantId: person?.id ?? null, companyId: company?.id ?? null };
  }

  checkAccount(req: NewAccount): NewAccount {
    if (!req.email && !req.phone) throw AppError.invalid('/email', 'or a phone number is required');
    const email = req.email ? normalizeEmail(req.email) : undefined;
    const phone = req.phone ? normalizePhone(req.phone) : undefined;
    if (req.phone && !phone)
      throw AppError.invalid('/phone', 'is not an Indonesian phone number (such as 0812-3456-7890)');
    return { name: req.name.trim(), email, phone: phone ?? undefined };
  }

  private async createAccount(
    m: EntityManager,
    kind: 'person' | 'company',
    account: NewAccount,
    passwordHash: string,
    extra: { nik: string | null; company: Company | null; companyAdmin: boolean },
  ): Promise<Applicant> {
    // Sign-in names first: a name taken meanwhile is a 409 naming it, before anything is written.
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
        companyAdmin: extra.companyAdmin,
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
