import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { requirePrincipal } from '@berkas/auth';
import {
  AppError,
  type ChangePasswordRequest,
  type PasswordChanged,
  type Principal,
  type RegistrationStarted,
  type ResetPasswordRequest,
  type TokenPair,
} from '@berkas/contracts';
import { loginNameOf } from '../../domain/contact';
import {
  answerFloor,
  codeHash,
  codeMatches,
  masked,
  MAX_CODE_TRIES,
  newCode,
} from '../../domain/one-time-code';
import { passwordProblem } from '../../domain/password-policy';
import { OutgoingMessages, type Recipient } from '../messages/outgoing-messages.service';
import {
  officerResetNotice,
  PASSWORD_RESET_MINUTES,
  passwordChanged,
  passwordResetCode,
} from '../messages/templates';
import { Credential, LoginName, type PrincipalKind } from './credential.entity';
import { PasswordReset } from './password-reset.entity';
import { hashPassword, verifyPassword } from './passwords';
import { SessionsService } from './sessions.service';

const wrongCode = () =>
  new AppError('INVALID_CODE', 400, 'The code is wrong or has expired; check it, or ask for a new one', [
    { path: '/code', message: 'is wrong or has expired' },
  ]);
const recipientOf = (login: string): Recipient =>
  login.includes('@') ? { email: login, phone: null } : { email: null, phone: login };

/**
 * Passwords after sign-up: resetting a forgotten one with a code sent to the account's email or
 * phone (applicants; an officer is told to ask the agency's admin), and changing one, given the
 * current. Either way every other sign-in of the account ends and its owner is told.
 */
@Injectable()
export class PasswordChanges {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sessions: SessionsService,
    private readonly messages: OutgoingMessages,
  ) {}

  async startReset(login: string): Promise<RegistrationStarted> {
    const started = Date.now();
    const name = loginNameOf(login) ?? login.trim().toLowerCase();
    const expiresAt = new Date(Date.now() + PASSWORD_RESET_MINUTES * 60_000);
    const channel = await this.dataSource.transaction(async (m) => {
      const account = await m.findOneBy(LoginName, { name });
      // A NIP is a sign-in name but no address to send a code to: only an email or a phone gets one.
      if (!account || !/@|^\+/.test(name)) return recipientOf(name).email ? 'email' : 'sms';
      if (account.principalKind === 'staff')
        return this.messages.enqueue(m, recipientOf(name), officerResetNotice(), { secret: false });
      const id = randomUUID();
      const code = newCode();
      await m.delete(PasswordReset, { principalKind: 'applicant', principalId: account.principalId });
      await m.insert(PasswordReset, {
        id,
        principalKind: 'applicant',
        principalId: account.principalId,
        codeHash: codeHash(code, id),
        attempts: 0,
        expiresAt,
      });
      return this.messages.enqueue(m, recipientOf(name), passwordResetCode(code), { secret: true });
    });
    this.messages.kick();
    await answerFloor(started);
    return { sentTo: masked(name), channel, expiresAt: expiresAt.toISOString() };
  }

  async reset(req: ResetPasswordRequest): Promise<PasswordChanged> {
    const name = loginNameOf(req.login);
    const passwordHash = await hashPassword(req.password);
    const outcome = await this.dataSource.transaction(async (m) => {
      const account = name ? await m.findOneBy(LoginName, { name }) : null;
      const reset = account
        ? await m.findOne(PasswordReset, {
            where: { principalKind: account.principalKind, principalId: account.principalId },
            lock: { mode: 'pessimistic_write' },
          })
        : null;
      if (!account || !reset || reset.expiresAt <= new Date()) return { error: wrongCode() };
      if (!codeMatches(req.code, reset.id, reset.codeHash)) {
        // Five wrong tries end the reset: six digits are not guessed that way.
        if (reset.attempts + 1 >= MAX_CODE_TRIES) await m.delete(PasswordReset, { id: reset.id });
        else await m.update(PasswordReset, { id: reset.id }, { attempts: reset.attempts + 1 });
        return { error: wrongCode() };
      }
      const problem = passwordProblem(
        req.password,
        await this.namesOf(m, account.principalKind, account.principalId),
      );
      if (problem) throw AppError.invalid('/password', problem);
      await m.delete(PasswordReset, { id: reset.id });
      const signedOut = await this.setPassword(m, account.principalKind, account.principalId, passwordHash);
      return { changed: { signedOut } };
    });
    this.messages.kick();
    // A wrong code's try is counted (committed) before it is refused.
    if ('error' in outcome && outcome.error) throw outcome.error;
    return outcome.changed as PasswordChanged;
  }

  /** Changes the signed-in person's password; answers a new sign-in, every other one ended. */
  async change(principal: Principal | undefined, req: ChangePasswordRequest): Promise<TokenPair> {
    const p = requirePrincipal(principal);
    const kind: PrincipalKind = p.kind === 'staff' ? 'staff' : 'applicant';
    const credential = await this.dataSource
      .getRepository(Credential)
      .findOneBy({ principalKind: kind, principalId: p.id });
    if (!credential || !(await verifyPassword(credential.passwordHash, req.currentPassword)))
      throw AppError.invalid('/currentPassword', 'is not your current password');
    // An initial password "changed" to itself would stay the one its admin knows.
    if (req.newPassword === req.currentPassword)
      throw AppError.invalid('/newPassword', 'must differ from your current password');
    const problem = passwordProblem(req.newPassword, await this.namesOf(this.dataSource.manager, kind, p.id));
    if (problem) throw AppError.invalid('/newPassword', problem);
    const passwordHash = await hashPassword(req.newPassword);
    const pair = await this.dataSource.transaction(async (m) => {
      await this.setPassword(m, kind, p.id, passwordHash);
      return this.sessions.startSignIn(m, kind, p.id);
    });
    this.messages.kick();
    return pair;
  }

  /** Sets the hash, ends every sign-in (their access tokens too) and tells the owner; answers how many ended. */
  private async setPassword(
    m: EntityManager,
    kind: PrincipalKind,
    principalId: string,
    passwordHash: string,
  ): Promise<number> {
    await m.update(
      Credential,
      { principalKind: kind, principalId },
      { passwordHash, passwordChangeRequired: false, passwordChangedAt: new Date() },
    );
    const signedOut = await this.sessions.revokeAll(m, kind, principalId, 'password-changed');
    const names = await this.namesOf(m, kind, principalId);
    const email = names.find((n) => n.includes('@')) ?? null;
    const phone = names.find((n) => n.startsWith('+')) ?? null;
    if (email || phone)
      await this.messages.enqueue(m, { email, phone }, passwordChanged(), { secret: false });
    return signedOut;
  }

  private async namesOf(m: EntityManager, kind: PrincipalKind, principalId: string): Promise<string[]> {
    const rows = await m.findBy(LoginName, { principalKind: kind, principalId });
    return rows.map((r) => r.name);
  }
}
