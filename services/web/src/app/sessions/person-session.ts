import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { CounterVisit, Me, SignInNotice, TokenPair } from '@berkas/contracts';
import { ApiClient } from '../api/api-client';
import { SESSION_COOKIE, type Seat, type SignedInPerson } from './session-middleware';
import { SignIns } from './sign-ins';

const promised = (work: (done: (err?: unknown) => void) => void) =>
  new Promise<void>((resolve, reject) => work((err) => (err ? reject(err) : resolve())));

/**
 * Writes the session before a redirect that reads it: express-session sends a response's headers
 * before its store has the session, and a browser follows a 303 on the headers alone, so the next
 * page could meet the session as it was.
 */
export const sessionSaved = (req: Request): Promise<void> => promised((done) => req.session.save(done));

/** An officer's own seat and those they act in (Plt/Plh) as the token says, for the desk's pages. */
function seatsOf({ principal, staff }: Me): Seat[] {
  const own: Seat = { agencyCode: staff?.agency.code ?? '', roles: principal.roles ?? [] };
  return [
    own,
    ...(principal.acting ?? []).map((a) => ({
      agencyCode: a.agencyCode,
      roles: a.roles,
      acting: { kind: a.kind, holderName: a.holderName, until: a.until },
    })),
  ];
}

/** Who the page is for, as the header shows them. */
export function personOf(me: Me): SignedInPerson {
  if (me.staff)
    return {
      name: me.staff.name,
      kind: 'staff',
      id: me.staff.id,
      region: me.staff.agency.regionCode,
      seats: seatsOf(me),
    };
  const applicant = me.applicant;
  if (!applicant) return { name: me.principal.id, kind: 'person' };
  return applicant.company
    ? { name: applicant.name, kind: 'company', companyName: applicant.company.name }
    : { name: applicant.name, kind: 'person' };
}

/**
 * The person in front of the page: signing in (a new session, so a session id planted before
 * sign-in is worth nothing), their access token for the API, and signing out (tokens revoked, the
 * session row deleted, so a copied cookie replayed later finds nobody).
 */
@Injectable()
export class PersonSession {
  constructor(
    private readonly api: ApiClient,
    private readonly signIns: SignIns,
  ) {}

  /** Signs in with a name (email, phone or NIP) and password; the API's refusal comes back as ApiProblem. */
  async signIn(
    req: Request,
    username: string,
    password: string,
  ): Promise<{ notice?: SignInNotice; passwordChangeRequired?: boolean }> {
    const pair = await this.api.post<TokenPair>(req, '/auth/login', { username, password });
    return this.signInWith(req, pair);
  }

  /** Starts the session of a sign-in identity just answered (a password, or an account just claimed). */
  async signInWith(
    req: Request,
    pair: TokenPair,
  ): Promise<{ notice?: SignInNotice; passwordChangeRequired?: boolean }> {
    const me = await this.api.get<Me>(req, '/me', pair.accessToken);
    const previous = [req.session.signInId, req.session.counter?.officerSignInId];
    await promised((done) => req.session.regenerate(done));
    for (const id of previous) if (id) await this.signIns.end(req, id);
    req.session.signInId = await this.signIns.begin(pair, me.principal.id);
    req.session.person = personOf(me);
    // Someone tried this account's password and failed since its owner last signed in: tell them.
    if (pair.signInNotice) req.session.signInNotice = pair.signInNotice;
    if (pair.passwordChangeRequired) req.session.passwordChangeRequired = true;
    await promised((done) => req.session.save(done));
    return {
      ...(pair.signInNotice ? { notice: pair.signInNotice } : {}),
      ...(pair.passwordChangeRequired ? { passwordChangeRequired: true } : {}),
    };
  }

  /**
   * An officer starts serving a walk-in: the session works as the walk-in (the counter's sign-in,
   * marked with the officer) and keeps the officer's own sign-in aside until endCounterVisit.
   */
  async startCounterVisit(req: Request, visit: CounterVisit, contact: string): Promise<void> {
    const officerSignInId = req.session.signInId;
    const officer = req.session.person;
    if (!officerSignInId || !officer || req.session.counter) throw new Error('no officer to serve from');
    req.session.counter = { officerSignInId, officer, contact, existingAccount: visit.existingAccount };
    req.session.signInId = await this.signIns.begin(visit.tokens, visit.applicant.id);
    req.session.person = { name: visit.applicant.name, kind: 'person', assistedBy: officer.name };
    await sessionSaved(req);
  }

  /** The walk-in is served: their sign-in ends, and the session is the officer's again. */
  async endCounterVisit(req: Request): Promise<void> {
    const counter = req.session.counter;
    if (!counter) return;
    if (req.session.signInId) await this.signIns.end(req, req.session.signInId);
    req.session.signInId = counter.officerSignInId;
    req.session.person = counter.officer;
    delete req.session.counter;
    await sessionSaved(req);
  }

  /** The signed-in person's access token, renewed if needed; undefined when nobody is (or no longer). */
  async accessToken(req: Request): Promise<string | undefined> {
    const id = req.session?.signInId;
    if (!id) return undefined;
    const token = await this.signIns.accessToken(req, id);
    if (token) return token;
    // A counter's sign-in ended by its walk-in claiming the account: the officer carries on.
    if (req.session.counter) {
      await this.endCounterVisit(req);
      return this.accessToken(req);
    }
    // Ended elsewhere (signed out on another device, password changed, removed from a company).
    this.clear(req);
    return undefined;
  }

  /** Carries on with the new tokens identity gave when the password changed (it ended every other sign-in). */
  async continueWith(req: Request, pair: TokenPair): Promise<void> {
    const id = req.session?.signInId;
    if (id) await this.signIns.replace(id, pair);
    delete req.session.passwordChangeRequired;
    await sessionSaved(req);
  }

  /** The API refused this sign-in's token (revoked elsewhere before it expired): end it here too. */
  async forget(req: Request): Promise<void> {
    if (req.session?.counter) return this.endCounterVisit(req);
    const id = req.session?.signInId;
    if (id) await this.signIns.end(req, id);
    this.clear(req);
  }

  private clear(req: Request): void {
    if (!req.session) return;
    delete req.session.signInId;
    delete req.session.person;
  }

  async signOut(req: Request, res: Response): Promise<void> {
    for (const id of [req.session?.signInId, req.session?.counter?.officerSignInId])
      if (id) await this.signIns.end(req, id);
    if (req.session) await promised((done) => req.session.destroy(done));
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }
}
