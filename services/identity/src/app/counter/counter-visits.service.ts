import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { requireRole } from '@berkas/auth';
import { AppError, type CounterVisit, type CounterVisitRequest, type Principal } from '@berkas/contracts';
import { Outbox } from '@berkas/messaging';
import { parseNik } from '../../domain/identity-numbers';
import { ApplicantAccount } from '../applicants/applicant.entity';
import { ApplicantsService } from '../applicants/applicants.service';
import { SessionsService } from '../auth/sessions.service';

/**
 * The counter (loket): a front-office officer serves a walk-in. The person's account is the one
 * their NIK already has, or one opened now without a password (its owner claims it later with the
 * code sent once the file is submitted); the officer then works in a sign-in as that applicant,
 * marked as assisted by them, so everything they enter is recorded as "officer X for applicant Y".
 */
@Injectable()
export class CounterVisits {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly applicants: ApplicantsService,
    private readonly sessions: SessionsService,
    private readonly outbox: Outbox,
  ) {}

  async open(principal: Principal | undefined, req: CounterVisitRequest): Promise<CounterVisit> {
    const capacity = requireRole(principal, ['front-office']);
    const officer = principal as Principal;
    const nik = parseNik(req.nik);
    if (!nik.valid) throw AppError.invalid('/nik', nik.reason);
    const contact = this.applicants.checkAccount(req);
    const agencyCode = capacity.via === 'delegation' ? capacity.acting.agencyCode : officer.agencyCode;
    return this.dataSource.transaction(async (m) => {
      const existing = await m.findOneBy(ApplicantAccount, { nik: req.nik });
      if (existing && !existing.active)
        throw new AppError('ACCOUNT_CLOSED', 409, 'The account of this NIK is closed; it cannot apply', [
          { path: '/nik', message: 'has a closed account' },
        ]);
      const account =
        existing ??
        (await m.save(
          m.create(ApplicantAccount, {
            id: randomUUID(),
            kind: 'person',
            name: contact.name,
            email: contact.email ?? null,
            phone: contact.phone ?? null,
            nik: req.nik,
            enrolledBy: officer.id,
            enrolledAt: new Date(),
          }),
        ));
      if (!existing)
        await this.outbox.add(
          m,
          'evt.identity.applicant-registered',
          { applicantId: account.id, kind: 'person' },
          { source: '/berkas/identity', subject: account.id },
        );
      const tokens = await this.sessions.startAssistedSignIn(m, account.id, {
        id: officer.id,
        name: officer.name ?? officer.id,
        agencyCode: agencyCode as string,
      });
      return { applicant: { id: account.id, name: account.name }, existingAccount: !!existing, tokens };
    });
  }
}
