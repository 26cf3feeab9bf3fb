import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import {
  AppError,
  parseTrackingNumber,
  type ClaimAccountRequest,
  type ClaimCodeRequest,
  type ClaimCodeResent,
  type ClaimCodeSent,
  type TokenPair,
} from '@berkas/contracts';
import { answerFloor, codeHash, codeMatches, MAX_CODE_TRIES, newCode } from '../../domain/one-time-code';
import { passwordProblem } from '../../domain/password-policy';
import { ApplicantAccount } from '../applicants/applicant.entity';
import { Credential } from '../auth/credential.entity';
import { claimLoginNames } from '../auth/login-names';
import { hashPassword } from '../auth/passwords';
import { SessionsService } from '../auth/sessions.service';
import { OutgoingMessages } from '../messages/outgoing-messages.service';
import { CLAIM_CODE_DAYS, claimCode, counterEntryNotice } from '../messages/templates';
import { WalkInClaim } from './walk-in-claim.entity';

const wrongCode = () =>
  new AppError(
    'INVALID_CODE',
    400,
    'The tracking number or the code is wrong, or the code has expired; check them, or ask for a new code',
    [{ path: '/code', message: 'is wrong or has expired' }],
  );
const canonical = (typed: string): string | null => {
  const parsed = parseTrackingNumber(typed);
  return parsed.ok ? parsed.value.formatted : null;
};
const hasPassword = (m: EntityManager, applicantId: string) =>
  m.existsBy(Credential, { principalKind: 'applicant', principalId: applicantId });

/**
 * Taking over online an account a counter opened: once a file entered there is submitted, permits
 * asks for its claim code to be sent (once per tracking number) to the contact the walk-in gave;
 * with the number and the code the person chooses a password and is signed in. Someone who
 * already had an account is told the file is in it instead.
 */
@Injectable()
export class WalkInClaims {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sessions: SessionsService,
    private readonly messages: OutgoingMessages,
  ) {}

  async send(req: ClaimCodeRequest): Promise<ClaimCodeSent> {
    const sent = await this.dataSource.transaction(async (m) => {
      const account = await m.findOneBy(ApplicantAccount, { id: req.applicantId });
      if (!account) throw new AppError('NOT_FOUND', 404, 'No such applicant');
      // A retried request (the follow-ups consumer redelivers) finds the row and sends nothing twice.
      const inserted = (await m.query(
        `INSERT INTO walk_in_claims (tracking_number, applicant_id, sent, office)
         VALUES ($1, $2, 'notice', $3) ON CONFLICT DO NOTHING RETURNING tracking_number`,
        [req.trackingNumber, account.id, req.officeName],
      )) as unknown[];
      if (!inserted.length) return 'already' as const;
      if (await hasPassword(m, account.id)) {
        await this.messages.enqueue(m, account, counterEntryNotice(req.trackingNumber, req.officeName), {
          secret: false,
        });
        return 'notice' as const;
      }
      await this.newCode(m, req.trackingNumber, account, req.officeName);
      return 'code' as const;
    });
    this.messages.kick();
    return { sent };
  }

  async resend(typed: string): Promise<ClaimCodeResent> {
    const started = Date.now();
    const trackingNumber = canonical(typed);
    if (trackingNumber) {
      await this.dataSource.transaction(async (m) => {
        const claim = await m.findOne(WalkInClaim, {
          where: { trackingNumber },
          lock: { mode: 'pessimistic_write' },
        });
        if (!claim || (await hasPassword(m, claim.applicantId))) return;
        const account = await m.findOneByOrFail(ApplicantAccount, { id: claim.applicantId });
        await this.newCode(m, trackingNumber, account, claim.office);
      });
      this.messages.kick();
    }
    await answerFloor(started);
    return { sent: true };
  }

  async claim(req: ClaimAccountRequest): Promise<TokenPair> {
    const trackingNumber = canonical(req.trackingNumber);
    const passwordHash = await hashPassword(req.password);
    const outcome = await this.dataSource.transaction(async (m) => {
      const claim = trackingNumber
        ? await m.findOne(WalkInClaim, { where: { trackingNumber }, lock: { mode: 'pessimistic_write' } })
        : null;
      if (!claim?.codeHash || !claim.expiresAt || claim.expiresAt <= new Date())
        return { error: wrongCode() };
      if (!codeMatches(req.code, claim.trackingNumber, claim.codeHash)) {
        // Five wrong tries use the code up: six digits are not guessed that way.
        const attempts = claim.attempts + 1;
        await m.update(
          WalkInClaim,
          { trackingNumber: claim.trackingNumber },
          attempts >= MAX_CODE_TRIES ? { attempts, codeHash: null } : { attempts },
        );
        return { error: wrongCode() };
      }
      const account = await m.findOneByOrFail(ApplicantAccount, { id: claim.applicantId });
      if (await hasPassword(m, account.id))
        throw new AppError('ALREADY_REGISTERED', 409, 'This account was claimed already; sign in instead');
      const problem = passwordProblem(req.password, [account.email ?? '', account.phone ?? '']);
      if (problem) throw AppError.invalid('/password', problem);
      await claimLoginNames(m, 'applicant', account.id, [
        { field: '/email', name: account.email },
        { field: '/phone', name: account.phone },
      ]);
      await m.insert(Credential, { principalKind: 'applicant', principalId: account.id, passwordHash });
      // Every code of this account (one per file entered) is spent with the account claimed.
      await m.update(WalkInClaim, { applicantId: account.id }, { codeHash: null });
      // The officer's sign-in as this person, should it still run, ends: the account is its owner's now.
      await this.sessions.revokeAll(m, 'applicant', account.id, 'password-changed');
      return { pair: await this.sessions.startSignIn(m, 'applicant', account.id) };
    });
    // A wrong code's try is counted (committed) before it is refused.
    if ('error' in outcome && outcome.error) throw outcome.error;
    return outcome.pair as TokenPair;
  }

  private async newCode(
    m: EntityManager,
    trackingNumber: string,
    account: ApplicantAccount,
    office: string,
  ): Promise<void> {
    const code = newCode();
    await m.update(
      WalkInClaim,
      { trackingNumber },
      {
        sent: 'code',
        codeHash: codeHash(code, trackingNumber),
        attempts: 0,
        expiresAt: new Date(Date.now() + CLAIM_CODE_DAYS * 24 * 3600_000),
      },
    );
    await this.messages.enqueue(m, account, claimCode(code, trackingNumber, office), {
      secret: true,
    });
  }
}
