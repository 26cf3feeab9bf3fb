import { randomUUID } from 'node:crypto';
import { connect, type Msg, type MsgHdrs, type NatsConnection } from 'nats';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWTPayload, type KeyLike } from 'jose';
import {
  AppError,
  assertSchema,
  callerAllowed,
  callersOf,
  HEADERS,
  REQUESTS,
  type Caller,
  type ErrorCode,
  type ErrorReply,
  type Jwks,
  type Principal,
  type RequestMap,
  type RequestSubject,
  type SchemaName,
  type ServiceName,
  type ServiceToken,
  type StaffRole,
} from '@berkas/contracts';

/**
 * How Berkas tokens are made and read: libs/auth itself (`import * as auth from '@berkas/auth'`),
 * handed in by the spec. libs/testing cannot import it: auth depends on messaging, whose specs use
 * libs/testing, a cycle the module-boundary rule refuses.
 */
export interface TokenConventions {
  TOKEN_ISSUER: string;
  TOKEN_AUDIENCE: string;
  TOKEN_ALGORITHM: string;
  SERVICE_TOKEN_TTL_SECONDS: number;
  claimsFor(principal: Principal): object;
  principalFromPayload(payload: JWTPayload): Principal;
  serviceAudience(audience: ServiceName): string;
}

/** The payload and the reply of a request subject, as proto/ declares them. */
export type RequestOf<S extends RequestSubject> = RequestMap[S]['request'];
export type ReplyOf<S extends RequestSubject> = RequestMap[S]['reply'];

/** One request the responder received, as it read and verified it. */
export interface ReceivedRequest<S extends RequestSubject = RequestSubject> {
  subject: S;
  payload: RequestOf<S>;
  /** Who called, as the real service would have verified it from the headers. */
  caller: Caller;
  requestId?: string;
  idempotencyKey?: string;
}

/**
 * How a subject is answered: a reply, an AppError (answered as its ErrorReply), or a function of the
 * request answering either (or throwing an AppError). Replies and errors are checked against proto/.
 */
export type Fixture<S extends RequestSubject> =
  | ReplyOf<S>
  | AppError
  | ((
      request: RequestOf<S>,
      received: ReceivedRequest<S>,
    ) => ReplyOf<S> | AppError | Promise<ReplyOf<S> | AppError>);

/** Services a responder can stand in for (the gateway answers no requests). */
export type StandInService = Exclude<ServiceName, 'gateway'>;

/** Errors any request may answer besides those its subject declares (proto/errors.yaml, the RPC layer). */
const ANY_REQUEST_MAY_FAIL: readonly ErrorCode[] = [
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'TOKEN_EXPIRED',
  'SESSION_REVOKED',
  'FORBIDDEN',
  'CALLER_NOT_ALLOWED',
  'CONFLICT_RETRY',
  'INTERNAL',
  'SERVICE_UNAVAILABLE',
  'DATABASE_UNAVAILABLE',
];

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

/** What the schema refused, one line per problem. */
function problemsOf(e: unknown): string {
  if (e instanceof AppError && e.details?.length)
    return e.details.map((d) => `\n    ${d.path}: ${d.message}`).join('');
  return ` ${e instanceof Error ? e.message : String(e)}`;
}

/** `value` against a schema of proto/, or an Error saying which fixture or request broke it and how. */
function conforms(name: SchemaName, value: unknown, what: string): void {
  try {
    assertSchema(name, value, what);
  } catch (e) {
    throw new Error(`${what} breaks its schema ${name} (proto/):${problemsOf(e)}`);
  }
}

/** An error a fixture answers: an ErrorReply of proto/errors.yaml that the subject may answer. */
function checkedError(subject: RequestSubject, error: AppError): ErrorReply {
  const reply = error.toReply();
  conforms('ErrorReply', reply, `The error fixture of ${subject}`);
  const declared = REQUESTS[subject].errors as readonly ErrorCode[];
  if (!declared.includes(reply.code) && !ANY_REQUEST_MAY_FAIL.includes(reply.code))
    throw new Error(
      `The error fixture of ${subject} answers ${reply.code}, which proto/ does not declare for it ` +
        `(its errors: ${declared.join(', ') || 'none'}; any request: ${ANY_REQUEST_MAY_FAIL.join(', ')})`,
    );
  return reply;
}

const describeCaller = (c: Caller) =>
  c.kind === 'user'
    ? `${c.principal.kind} ${c.principal.id}`
    : c.kind === 'service'
      ? c.service
      : 'anonymous';

/** A request the real service would refuse: the error reply it would send, and what it means here (a problem). */
class Refusal extends Error {
  constructor(
    readonly reply: ErrorReply,
    problem: string,
  ) {
    super(problem);
  }
}

/**
 * A stand-in for other Berkas services on a real nats-server, for testing one service alone: it
 * answers their request subjects from fixtures, in the envelope their Nest microservices use, and
 * holds every fixture and every request to proto/ so it cannot drift from the contract.
 *
 *   import * as auth from '@berkas/auth';
 *   const responder = await NatsResponder.start(nats.url, { standsInFor: ['identity', 'tracking'], auth });
 *   responder.on('identity.agencies.get', agency);                       // a reply, checked now
 *   responder.on('tracking.dossiers.get', ({ trackingNumber }) => ...);  // a reply, checked when asked
 *   responder.on('tracking.dossiers.close', new AppError('ALREADY_CLOSED', 409, '...'));
 *   ...
 *   expect(responder.calls('tracking.dossiers.open')).toHaveLength(1);
 *   await responder.verify(); // throws if a request or a fixture broke its contract, or had no fixture
 *
 * Standing in for identity, it also plays identity's token side: its JWK Set (`identity.jwks.get`)
 * and service tokens (`identity.service-tokens.*`) come from a test Ed25519 key, and `accessToken()`
 * mints a person's token with the claims identity writes (libs/auth's claimsFor). Callers are checked
 * as the real services check them: the token verified, then the subject's `callers` in proto/.
 */
export class NatsResponder {
  private readonly fixtures = new Map<RequestSubject, Fixture<RequestSubject>>();
  private readonly received: ReceivedRequest[] = [];
  private readonly problemList: string[] = [];
  private readonly pending = new Set<Promise<void>>();

  private constructor(
    private readonly nc: NatsConnection,
    readonly services: readonly StandInService[],
    private readonly key: { kid: string; privateKey: KeyLike; publicKey: KeyLike; jwks: Jwks },
    private readonly auth: TokenConventions,
  ) {}

  /**
   * Connects to the nats-server at `natsUrl` (a private one: startPrivateNats) and answers every
   * request subject of the services it stands in for, in their queue groups, as they would. Standing
   * in for identity, its token subjects are answered at once.
   */
  static async start(
    natsUrl: string,
    options: { standsInFor: readonly StandInService[]; auth: TokenConventions },
  ): Promise<NatsResponder> {
    const { standsInFor: services, auth } = options;
    const { publicKey, privateKey } = await generateKeyPair(auth.TOKEN_ALGORITHM, { crv: 'Ed25519' });
    const kid = `test-${randomUUID()}`;
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: auth.TOKEN_ALGORITHM, use: 'sig' as const };
    const nc = await connect({ servers: natsUrl, name: `stand-in-${services.join('-')}` });
    const key = { kid, privateKey, publicKey, jwks: { keys: [jwk] } as Jwks };
    const responder = new NatsResponder(nc, services, key, auth);
    for (const service of services)
      nc.subscribe(`${service}.>`, { queue: service, callback: (_, msg) => responder.track(msg) });
    await nc.flush(); // subscribed at the server before anyone asks
    if (services.includes('identity')) responder.serveTokens();
    return responder;
  }

  /**
   * Answers `subject` with `fixture` from now on (replacing an earlier one). A reply or error given
   * as a value is checked against proto/ here and throws if it breaks its schema; a function's
   * answers are checked each time it answers.
   */
  on<S extends RequestSubject>(subject: S, fixture: Fixture<S>): this {
    if (!(subject in REQUESTS)) throw new Error(`${subject} is no request subject of proto/`);
    const owner = REQUESTS[subject].service as ServiceName;
    if (!this.services.includes(owner as StandInService))
      throw new Error(`${subject} belongs to ${owner}, which this responder does not stand in for`);
    if (fixture instanceof AppError) checkedError(subject, fixture);
    else if (typeof fixture !== 'function')
      conforms(REQUESTS[subject].reply, fixture, `The fixture of ${subject}`);
    this.fixtures.set(subject, fixture as Fixture<RequestSubject>);
    return this;
  }

  /** The requests received on `subject` (every subject when omitted), oldest first. */
  calls<S extends RequestSubject>(subject?: S): ReceivedRequest<S>[] {
    return this.received.filter((r) => !subject || r.subject === subject) as ReceivedRequest<S>[];
  }

  /** Forgets the requests received so far (fixtures stay). */
  clearCalls(): void {
    this.received.length = 0;
  }

  /** What went wrong so far: requests or answers that broke proto/, callers refused, subjects without fixture. */
  get problems(): readonly string[] {
    return [...this.problemList];
  }

  /**
   * Throws if anything went wrong since the last call (and forgets it, so the next test starts clean):
   * call it after each test, so a contract broken in the background fails the test that caused it.
   */
  async verify(): Promise<void> {
    await this.settled();
    if (!this.problemList.length) return;
    const problems = this.problemList.splice(0);
    throw new Error(
      `The stand-in for ${this.services.join(' and ')} met ${problems.length} problem(s):\n- ${problems.join('\n- ')}`,
    );
  }

  /** Waits for the answers being worked out right now. */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  /** Stops answering; the problems not yet verified are still thrown by verify(). */
  async stop(): Promise<void> {
    await this.settled();
    if (!this.nc.isClosed()) await this.nc.drain();
  }

  /** identity's public keys as the responder serves them on `identity.jwks.get`. */
  get jwks(): Jwks {
    return this.key.jwks;
  }

  /**
   * An access token for `principal` as identity would sign it (claims from libs/auth's claimsFor),
   * verified by every service that fetched this responder's JWK Set. The principal is checked
   * against its schema first: a token carrying a broken one would be refused anyway (401).
   */
  async accessToken(
    principal: Principal,
    options: { expiresIn?: string; sessionId?: string } = {},
  ): Promise<string> {
    conforms('Principal', principal, `The principal ${principal?.id ?? ''}`);
    return new SignJWT({
      ...this.auth.claimsFor(principal),
      sid: options.sessionId ?? randomUUID(),
      iat: Date.now() / 1000,
    })
      .setProtectedHeader({ alg: this.auth.TOKEN_ALGORITHM, kid: this.key.kid, typ: 'JWT' })
      .setIssuer(this.auth.TOKEN_ISSUER)
      .setAudience(this.auth.TOKEN_AUDIENCE)
      .setSubject(principal.id)
      .setJti(randomUUID())
      .setExpirationTime(options.expiresIn ?? '15m')
      .sign(this.key.privateKey);
  }

  /** A service token as identity signs it: `service` calling `audience` on its own. */
  async serviceToken(service: ServiceName, audience: ServiceName): Promise<ServiceToken> {
    const token = await new SignJWT({ svc: service })
      .setProtectedHeader({ alg: this.auth.TOKEN_ALGORITHM, kid: this.key.kid, typ: 'service+jwt' })
      .setIssuer(this.auth.TOKEN_ISSUER)
      .setAudience(this.auth.serviceAudience(audience))
      .setSubject(`service:${service}`)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${this.auth.SERVICE_TOKEN_TTL_SECONDS}s`)
      .sign(this.key.privateKey);
    return { token, expiresIn: this.auth.SERVICE_TOKEN_TTL_SECONDS };
  }

  /** identity's token side: its JWK Set, and service tokens for whoever may ask (NATS decides, in production). */
  private serveTokens(): void {
    this.on('identity.jwks.get', this.key.jwks);
    this.on('identity.service-tokens.permits', ({ audience }) => this.serviceToken('permits', audience));
    this.on('identity.service-tokens.tracking', ({ audience }) => this.serviceToken('tracking', audience));
    this.on('identity.service-tokens.notifications', ({ audience }) =>
      this.serviceToken('notifications', audience),
    );
  }

  private track(msg: Msg): void {
    const answering = this.answer(msg).finally(() => this.pending.delete(answering));
    this.pending.add(answering);
  }

  /** Reads, checks and answers one request; whatever breaks the contract is a problem, answered as the real service would. */
  private async answer(msg: Msg): Promise<void> {
    const subject = msg.subject;
    let envelope: { pattern?: unknown; data?: unknown; id?: unknown };
    try {
      envelope = msg.json();
    } catch {
      this.problemList.push(`${subject}: the request is not JSON`);
      return;
    }
    // What a Nest microservice answers: its reply or the ErrorReply its exception filter made, with the request's id.
    const reply = (body: { response: unknown } | { err: ErrorReply }): void => {
      if (msg.reply) msg.respond(JSON.stringify({ id: envelope.id, ...body, isDisposed: true }));
    };
    try {
      if (!msg.reply) throw new Error(`${subject} was published, not requested: nobody waits for its answer`);
      if (!(subject in REQUESTS))
        throw new Refusal(
          { code: 'UNKNOWN_SUBJECT', status: 404, message: 'Unknown request' },
          `${subject} is no request subject of proto/`,
        );
      const known = subject as RequestSubject;
      if (envelope.pattern !== subject)
        throw new Error(`${subject}: the envelope's pattern is ${JSON.stringify(envelope.pattern)}`);
      const caller = await this.callerOf(known, msg.headers);
      const received: ReceivedRequest = {
        subject: known,
        payload: envelope.data as RequestOf<RequestSubject>,
        caller,
        requestId: msg.headers?.get(HEADERS.requestId) || undefined,
        idempotencyKey: msg.headers?.get(HEADERS.idempotencyKey) || undefined,
      };
      this.received.push(received);
      try {
        assertSchema(REQUESTS[known].request, envelope.data, 'The request');
      } catch (e) {
        // Refused as the real service refuses it, and a problem: the service under test broke the contract.
        throw new Refusal(
          {
            code: 'VALIDATION_FAILED',
            status: 400,
            message: 'The request is not valid',
            details: (e as AppError).details,
          },
          `The request on ${known} breaks its schema ${REQUESTS[known].request} (proto/):${problemsOf(e)}`,
        );
      }
      const fixture = this.fixtures.get(known);
      if (fixture === undefined)
        throw new Refusal(
          { code: 'INTERNAL', status: 500, message: `The stand-in has no fixture for ${known}` },
          `No fixture answers ${known} (asked by ${describeCaller(caller)} with ${JSON.stringify(envelope.data)})`,
        );
      let answer: unknown;
      try {
        answer =
          typeof fixture === 'function'
            ? await fixture(received.payload, received)
            : fixture;
      } catch (e) {
        if (!(e instanceof AppError))
          throw new Error(`The fixture of ${known} threw instead of answering: ${String(e)}`);
        answer = e;
      }
      if (answer instanceof AppError) return reply({ err: checkedError(known, answer) });
      conforms(REQUESTS[known].reply, answer, `The fixture of ${known}`);
      reply({ response: answer });
    } catch (e) {
      this.problemList.push((e as Error).message);
      reply({
        err:
          e instanceof Refusal
            ? e.reply
            : { code: 'INTERNAL', status: 500, message: `The stand-in failed: ${(e as Error).message}` },
      });
    }
  }

  /**
   * Who calls, verified as the real services do (RpcContextInterceptor): a person's access token or a
   * service's own token signed for the subject's owner, then the subject's declared callers.
   */
  private async callerOf(subject: RequestSubject, headers: MsgHdrs | undefined): Promise<Caller> {
    const owner = REQUESTS[subject].service as ServiceName;
    const bearer = (name: string) => {
      const value = headers?.get(name) || undefined;
      return value === undefined ? undefined : (BEARER.exec(value)?.[1] ?? '');
    };
    const refused = (why: string) =>
      new Refusal(
        { code: 'UNAUTHENTICATED', status: 401, message: 'The credential is not valid' },
        `${subject}: ${why}`,
      );
    const accessToken = bearer(HEADERS.authorization);
    const serviceToken = bearer(HEADERS.service);
    let caller: Caller = { kind: 'anonymous' };
    if (serviceToken !== undefined) {
      const { payload } = await jwtVerify(serviceToken, this.key.publicKey, {
        issuer: this.auth.TOKEN_ISSUER,
        audience: this.auth.serviceAudience(owner),
        algorithms: [this.auth.TOKEN_ALGORITHM],
        requiredClaims: ['sub', 'exp', 'svc'],
      }).catch((e) =>
        Promise.reject(refused(`the service token does not verify for ${owner}: ${String(e)}`)),
      );
      caller = { kind: 'service', service: payload['svc'] as ServiceName };
    }
    if (accessToken !== undefined) {
      const { payload } = await jwtVerify(accessToken, this.key.publicKey, {
        issuer: this.auth.TOKEN_ISSUER,
        audience: this.auth.TOKEN_AUDIENCE,
        algorithms: [this.auth.TOKEN_ALGORITHM],
        requiredClaims: ['sub', 'exp', 'iat'],
      }).catch((e) => Promise.reject(refused(`the access token does not verify: ${String(e)}`)));
      try {
        caller = { kind: 'user', principal: this.auth.principalFromPayload(payload) };
      } catch (e) {
        throw refused(`the access token's principal breaks its schema:${problemsOf(e)}`);
      }
    }
    const verdict = callerAllowed(callersOf(subject), caller);
    if (verdict !== 'ok')
      throw new Refusal(
        verdict === 401
          ? { code: 'UNAUTHENTICATED', status: 401, message: 'Sign in first' }
          : { code: 'CALLER_NOT_ALLOWED', status: 403, message: 'This request is not for this caller' },
        `${subject} was called by ${describeCaller(caller)}; proto/ lets ${JSON.stringify(callersOf(subject))} call it`,
      );
    return caller;
  }
}

/** An applicant (a person with a NIK account) as a token carries them. */
export function applicantPrincipal(overrides: Partial<Principal> = {}): Principal {
  return { kind: 'applicant', id: randomUUID(), name: 'Siti Aminah', ...overrides };
}

/** An officer of `agency` holding `roles` there, as a token carries them. */
export function officerPrincipal(
  agency: { id: string; code: string; regionCode: string },
  roles: StaffRole[],
  overrides: Partial<Principal> = {},
): Principal {
  return {
    kind: 'staff',
    id: randomUUID(),
    name: 'Petugas Uji',
    agencyId: agency.id,
    agencyCode: agency.code,
    region: agency.regionCode,
    roles,
    ...overrides,
  };
}
