import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DeliverPolicy, type ConsumerMessages, type NatsConnection } from 'nats';
import { NatsEnv } from '@berkas/config';
import { assertSchema, type CloudEvent, type SessionsRevoked } from '@berkas/contracts';
import { NATS_CONNECTION } from '@berkas/messaging';

const SUBJECT = 'evt.identity.sessions-revoked';
/** The longest an access token can live (ACCESS_TOKEN_TTL_SECONDS at most): older revocations matter to none. */
const HORIZON_MS = 3600_000;
const RETRY_MS = 2000;

/** What a revocation is checked against: the verified token's session, principal, agency and issue time. */
export interface TokenFacts {
  sid?: string;
  sub: string;
  agencyId?: string;
  /** Issued at, in seconds (the JWT `iat`; identity writes it to the millisecond). */
  iat: number;
}

/**
 * Signed-out sessions and principals whose rights changed, as identity announces them, so a
 * service refuses their access tokens at once rather than for up to their remaining lifetime. Every
 * service follows the events of the last hour (the longest a token lives) from the event stream,
 * on start too, so a replica that just started knows them. Should the stream be out of reach the
 * list stays as it was (logged) and tokens live out their short lives: RELIABILITY.md.
 */
@Injectable()
export class RevocationList implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RevocationList');
  private readonly sessions = new Map<string, number>();
  private readonly notBefore = new Map<string, number>();
  private messages: ConsumerMessages | null = null;
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly env: NatsEnv,
  ) {}

  /** True when the token was revoked: its sign-in ended, or its principal's or agency's rights changed. */
  isRevoked(token: TokenFacts): boolean {
    if (token.sid && this.sessions.has(token.sid)) return true;
    const before = (key: string) => (this.notBefore.get(key) ?? 0) > token.iat * 1000;
    return before(`principal:${token.sub}`) || (!!token.agencyId && before(`agency:${token.agencyId}`));
  }

  /** Applies one revocation (from the stream; exposed for tests). */
  apply(revoked: SessionsRevoked): void {
    const at = new Date(revoked.notBefore).getTime();
    if (revoked.sessionId) this.sessions.set(revoked.sessionId, at);
    const key = revoked.principalId
      ? `principal:${revoked.principalId}`
      : revoked.agencyId
        ? `agency:${revoked.agencyId}`
        : null;
    if (key) this.notBefore.set(key, Math.max(this.notBefore.get(key) ?? 0, at));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.follow();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    await this.messages?.close();
  }

  /** Reads the last hour's revocations, then new ones as they come; starts over if the feed ends. */
  private async follow(): Promise<void> {
    if (this.stopped) return;
    try {
      const consumer = await this.nc.jetstream().consumers.get(this.env.eventsStream, {
        filterSubjects: SUBJECT, // one subject: filter_subject, which nats-server 2.9 knows
        deliver_policy: DeliverPolicy.StartTime,
        opt_start_time: new Date(Date.now() - HORIZON_MS).toISOString(),
      });
      const messages = await consumer.consume();
      this.messages = messages;
      void (async () => {
        for await (const m of messages) {
          try {
            const event = assertSchema<CloudEvent>('CloudEvent', m.json(), 'The event');
            this.apply(assertSchema<SessionsRevoked>('SessionsRevoked', event.data, 'The revocation'));
          } catch (e) {
            this.logger.error({ error: String(e) }, 'a revocation event breaks its contract; skipped');
          }
          this.prune();
        }
        this.again('the revocation feed ended');
      })();
    } catch (e) {
      this.again(String(e)); // e.g. the stream is not there yet: identity creates it
    }
  }

  private again(reason: string): void {
    if (this.stopped) return;
    this.logger.warn({ reason }, 'following revocations again shortly');
    this.retry = setTimeout(() => void this.follow(), RETRY_MS);
    this.retry.unref();
  }

  private prune(): void {
    const oldest = Date.now() - HORIZON_MS;
    for (const map of [this.sessions, this.notBefore])
      for (const [key, at] of map) if (at < oldest) map.delete(key);
  }
}
