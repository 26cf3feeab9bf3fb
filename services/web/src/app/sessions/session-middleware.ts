import connectPgSimple from 'connect-pg-simple';
import { LRUCache } from 'lru-cache';
import session from 'express-session';
import type { RequestHandler } from 'express';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { WebEnv, WebSessionEnv } from '@berkas/config';
import type { SignInNotice } from '@berkas/contracts';

/** What a session holds: which sign-in it is (the tokens stay in sign_ins), and who, for the header. */
declare module 'express-session' {
  interface SessionData {
    signInId: string;
    person: SignedInPerson;
    /** Where the registration code went, while the person types it in. */
    registration: CodeSent;
    /** Where the password reset code went. */
    passwordReset: CodeSent;
    /** Failed sign-ins to the account since its previous sign-in: shown once, on the next page. */
    signInNotice: SignInNotice;
    /** Signed in with an initial password (an admin chose it): nothing else opens until it is replaced. */
    passwordChangeRequired: boolean;
    /** An officer serving a walk-in at the counter: their own sign-in, kept aside until they finish. */
    counter: CounterVisitInSession;
    /** What a message's stop link withdrew, for the page after its button (a refresh posts nothing). */
    consentWithdrawn: { token: string; channel: 'whatsapp' | 'sms'; address: string };
  }
}

/** The officer's sign-in set aside while the session works as the walk-in, and whom it serves. */
export interface CounterVisitInSession {
  officerSignInId: string;
  officer: SignedInPerson;
  /** Where the claim code will go, partly hidden, for the receipt's words. */
  contact: string;
  existingAccount: boolean;
}

/** A one-time code on its way: to which login, shown to the person partly hidden. */
export interface CodeSent {
  login: string;
  sentTo: string;
  channel: 'email' | 'sms';
  expiresAt: string;
}

export interface SignedInPerson {
  name: string;
  kind: 'person' | 'company' | 'staff';
  companyName?: string;
  /** An officer's staff id (whose claim a task shows). */
  id?: string;
  /** An officer's region (BPS code), whose directory their forms offer. */
  region?: string;
  /** An officer's seats when they signed in: their own, and each position they act in (Plt/Plh). */
  seats?: Seat[];
  /** A walk-in served at the counter: the officer's name, who works as them here. */
  assistedBy?: string;
}

/** Where an officer may act: an agency and its roles, in their own right or for a position holder. */
export interface Seat {
  agencyCode: string;
  roles: string[];
  acting?: { kind: 'plt' | 'plh'; holderName: string; until: string };
}

export const SESSION_COOKIE = 'berkas.sid';

/** How often one replica moves a session's expiry in the database: at most once a minute, not per page. */
const TOUCH_EVERY_MS = 60_000;

/**
 * express-session with its rows in PostgreSQL (connect-pg-simple, on this service's pool), so a
 * session survives a restart and every replica behind the balancer sees it. The cookie is HttpOnly,
 * SameSite=Lax, Secure wherever people reach Berkas over HTTPS or in production; a session unused for
 * SESSION_IDLE_MINUTES ends (give or take the minute its expiry may lag in the database). None is stored until it holds something (a form's CSRF token, a sign-in).
 */
export function sessionMiddleware(dataSource: DataSource, http: WebEnv, env: WebSessionEnv): RequestHandler {
  const PgStore = connectPgSimple(session);
  /** The store, touching each session at most every TOUCH_EVERY_MS (a write per page view is waste). */
  class ThrottledPgStore extends PgStore {
    private readonly touched = new LRUCache<string, number>({ max: 100_000, ttl: TOUCH_EVERY_MS });

    override touch(sid: string, sess: session.SessionData, done?: (err?: unknown) => void): void {
      if (this.touched.has(sid)) return done?.();
      this.touched.set(sid, Date.now());
      super.touch(sid, sess, done);
    }
  }
  const idleMs = env.idleMinutes * 60_000;
  return session({
    name: SESSION_COOKIE,
    secret: env.secret,
    store: new ThrottledPgStore({
      pool: (dataSource.driver as PostgresDriver).master,
      tableName: 'sessions',
      createTableIfMissing: false, // the migration made it
      pruneSessionInterval: 15 * 60,
    }),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    proxy: http.trustProxyHops > 0,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: process.env['NODE_ENV'] === 'production' || http.publicUrl.startsWith('https:'),
      maxAge: idleMs,
      path: '/',
    },
  });
}
