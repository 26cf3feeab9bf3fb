import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { NotificationsEnv } from '@berkas/config';
import { DeliveryError, type Channel, type ChannelName } from '@berkas/delivery';
import { DrainLoop } from '@berkas/messaging';
import { MessageLedger } from './message-ledger';

export const CHANNELS = Symbol('CHANNELS');

const POLL_MS = 500;
const BATCH = 20;
/** How long a replica holds a message it is sending before another may take it over. */
const LEASE_SECONDS = 60;

interface Due {
  id: string;
  channel: ChannelName;
  address: string;
  subject: string | null;
  body: string;
  template: { name: string; language: string; parameters: string[] } | null;
  attempts: number;
  /** Taken over from a replica that died while sending it. */
  interrupted: boolean;
}

/**
 * Sends the queued messages, from any replica (each takes a batch for a while; the others skip it):
 * a passing failure is retried with back-off up to MESSAGE_MAX_ATTEMPTS times and the message is then
 * dead; a refusal for good fails it at once. Either way the ledger falls back to the next channel.
 * Email counts as delivered once the mail server takes it (SMTP tells no more); WhatsApp and SMS are
 * sent, and their delivery comes later in the providers' reports.
 */
@Injectable()
export class MessageSender implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MessageSender');
  private readonly channels: Map<ChannelName, Channel>;
  private readonly loop = new DrainLoop('MessageSender', () => this.sendDue(), POLL_MS);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CHANNELS) channels: Channel[],
    private readonly ledger: MessageLedger,
    private readonly env: NotificationsEnv,
  ) {
    this.channels = new Map(channels.map((c) => [c.name, c]));
  }

  /** Sends what is due now (after a commit that queued something; a timer also does). */
  kick(): void {
    this.loop.kick();
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  private async sendDue(): Promise<void> {
    for (;;) {
      // Taken with the time the send begins; a message still marked was being sent by a replica that died.
      const [due] = (await this.dataSource.query(
        `WITH due AS (SELECT id, send_started_at FROM messages WHERE status = 'queued' AND next_attempt_at <= now()
                      ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
         UPDATE messages m SET next_attempt_at = now() + make_interval(secs => $1), send_started_at = now()
         FROM due WHERE m.id = due.id
         RETURNING m.id, m.channel, m.address, m.subject, m.body, m.template, m.attempts,
                   due.send_started_at IS NOT NULL AS interrupted`,
        [LEASE_SECONDS, BATCH],
      )) as [Due[], number];
      if (!due.length) return;
      await Promise.all(due.map((message) => this.send(message)));
      if (due.length < BATCH) return;
    }
  }

  private async send(message: Due): Promise<void> {
    if (message.interrupted) await this.sendingAgain(message);
    const attempts = message.attempts + 1;
    const channel = this.channels.get(message.channel);
    let providerId: string;
    try {
      if (!channel) throw new DeliveryError(`no ${message.channel} channel configured`, true);
      ({ providerId } = await channel.send({
        channel: message.channel,
        to: message.address,
        ...(message.subject ? { subject: message.subject } : {}),
        text: message.body,
        ...(message.template ? { template: message.template } : {}),
        reference: message.id,
      }));
    } catch (e) {
      await this.notSent(message, attempts, e);
      return;
    }
    // The provider has it: recording that must not turn into sending it again.
    const status = message.channel === 'email' ? 'delivered' : 'sent';
    await this.untilRecorded(message.id, () =>
      this.dataSource.transaction((m) =>
        this.ledger.move(m, message.id, status, 'sender', { providerId, attempts }),
      ),
    );
  }

  /**
   * A replica died while sending this message, after the lease ran out. A WhatsApp or SMS provider that
   * took it would have reported so by now (its reports carry the message's id and move it on, so it is
   * not taken again); none did, so it is sent. An email server never reports: the mail is sent again
   * with the same Message-ID, which marks it as the same message, and the history says so.
   */
  private async sendingAgain(message: Due): Promise<void> {
    this.logger.warn(
      { messageId: message.id, channel: message.channel },
      'sending again after an interrupted send',
    );
    await this.dataSource.transaction((m) =>
      this.ledger.note(m, message.id, 'queued', 'sent again after an interrupted send'),
    );
  }

  private async notSent(message: Due, attempts: number, e: unknown): Promise<void> {
    const permanent = e instanceof DeliveryError && e.permanent;
    const giveUp = permanent || attempts >= this.env.maxAttempts;
    const reason = String(e instanceof Error ? e.message : e).slice(0, 500);
    this.logger.warn({ messageId: message.id, attempts, giveUp, error: reason }, 'a message was not sent');
    if (giveUp) {
      await this.untilRecorded(message.id, () =>
        this.dataSource.transaction((m) =>
          this.ledger.move(m, message.id, permanent ? 'failed' : 'dead', 'sender', { reason, attempts }),
        ),
      );
      this.kick();
      return;
    }
    const wait = Math.min(this.env.retryBaseMs * 2 ** (attempts - 1), 10 * 60_000);
    await this.dataSource.query(
      `UPDATE messages SET attempts = $2, reason = $3, updated_at = now(), send_started_at = NULL,
         next_attempt_at = now() + make_interval(secs => $4) WHERE id = $1 AND status = 'queued'`,
      [message.id, attempts, reason, wait / 1000],
    );
  }

  /**
   * Writes what a send learnt, trying again for a while should the database be away: the lease on the
   * message outlasts these tries, so no other replica sends it meanwhile.
   */
  private async untilRecorded(messageId: string, write: () => Promise<unknown>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await write();
        return;
      } catch (e) {
        if (attempt >= 6) {
          this.logger.error({ messageId, error: String(e) }, 'could not record what became of a message');
          return;
        }
        await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
      }
    }
  }
}
