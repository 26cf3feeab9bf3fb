import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { DeliveryError, type Channel, type ChannelName } from '@berkas/delivery';
import { DrainLoop } from '@berkas/messaging';
import { OutgoingMessageRecord } from './outgoing-message.entity';
import type { Wording } from './templates';

export const CHANNELS = Symbol('CHANNELS');

const POLL_MS = 1000;
const BATCH = 20;
/** How long a replica holds a message it is sending before another may take it over. */
const LEASE_MS = 60_000;
const MAX_ATTEMPTS = 8;
const retryAfterMs = (attempt: number) => Math.min(5000 * 2 ** (attempt - 1), 10 * 60_000);

/** Where a message goes: the email, or the phone (E.164) when there is no email. */
export interface Recipient {
  email: string | null;
  phone: string | null;
}

/**
 * The messages identity owes people. Queued in the transaction of the change that owes them (so a
 * committed registration always gets its code, and a rolled-back one never does), then sent by
 * whichever replica takes them, with retries and back-off: a passing failure is tried again up to
 * MAX_ATTEMPTS times, a refusal for good (a bad address) is not. A secret's text is erased once sent.
 */
@Injectable()
export class OutgoingMessages implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OutgoingMessages');
  private readonly channels: Map<ChannelName, Channel>;
  private readonly loop = new DrainLoop('OutgoingMessages', () => this.sendDue(), POLL_MS);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CHANNELS) channels: Channel[],
  ) {
    this.channels = new Map(channels.map((c) => [c.name, c]));
  }

  /** Queues `wording` for `to` on its email, or its phone without one; answers the channel used. */
  async enqueue(
    m: EntityManager,
    to: Recipient,
    wording: Wording,
    options: { secret: boolean },
  ): Promise<'email' | 'sms'> {
    const channel = to.email ? 'email' : 'sms';
    await m.insert(OutgoingMessageRecord, {
      id: randomUUID(),
      channel,
      recipient: (to.email ?? to.phone) as string,
      subject: channel === 'email' ? wording.subject : null,
      body: channel === 'email' ? wording.email : wording.sms,
      secret: options.secret,
      status: 'queued',
      attempts: 0,
      nextAttemptAt: new Date(),
      createdAt: new Date(),
    });
    return channel;
  }

  /** Sends what is due now (call after a commit that queued something; a timer also does). */
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
      // Take a batch for a while (another replica skips it), then send outside any transaction.
      const due: OutgoingMessageRecord[] = await this.dataSource
        .query(
          `UPDATE outgoing_messages SET next_attempt_at = now() + make_interval(secs => $1)
         WHERE id IN (SELECT id FROM outgoing_messages WHERE status = 'queued' AND next_attempt_at <= now()
                      ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING id, channel, recipient, subject, body, secret, attempts`,
          [LEASE_MS / 1000, BATCH],
        )
        .then((rows: [Array<Record<string, unknown>>, number]) => rows[0].map(toRecord));
      if (!due.length) return;
      await Promise.all(due.map((message) => this.send(message)));
      if (due.length < BATCH) return;
    }
  }

  private async send(message: OutgoingMessageRecord): Promise<void> {
    const channel = this.channels.get(message.channel);
    const attempts = message.attempts + 1;
    try {
      if (!channel) throw new DeliveryError(`no ${message.channel} channel configured`, true);
      const { providerId } = await channel.send({
        channel: message.channel,
        to: message.recipient,
        subject: message.subject ?? undefined,
        text: message.body ?? '',
        reference: message.id,
      });
      await this.dataSource.getRepository(OutgoingMessageRecord).update(message.id, {
        status: 'sent',
        attempts,
        providerId,
        sentAt: new Date(),
        lastError: null,
        ...(message.secret ? { body: null } : {}),
      });
    } catch (e) {
      const permanent = e instanceof DeliveryError && e.permanent;
      const giveUp = permanent || attempts >= MAX_ATTEMPTS;
      this.logger.warn(
        { messageId: message.id, attempts, giveUp, error: String(e) },
        'a message was not sent',
      );
      await this.dataSource.getRepository(OutgoingMessageRecord).update(message.id, {
        status: giveUp ? 'failed' : 'queued',
        attempts,
        lastError: String(e).slice(0, 500),
        nextAttemptAt: new Date(Date.now() + retryAfterMs(attempts)),
        ...(giveUp && message.secret ? { body: null } : {}),
      });
    }
  }
}

function toRecord(row: Record<string, unknown>): OutgoingMessageRecord {
  return Object.assign(new OutgoingMessageRecord(), {
    id: row['id'],
    channel: row['channel'],
    recipient: row['recipient'],
    subject: row['subject'],
    body: row['body'],
    secret: row['secret'],
    attempts: row['attempts'],
  });
}
