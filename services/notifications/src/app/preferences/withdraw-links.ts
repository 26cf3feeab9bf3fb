import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { NotificationsEnv } from '@berkas/config';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The links in WhatsApp and SMS messages that withdraw consent to that channel without signing in:
 * the message's id and an HMAC of it, so only a link Berkas wrote works, and only for its own message.
 */
@Injectable()
export class WithdrawLinks {
  constructor(private readonly env: NotificationsEnv) {}

  linkFor(messageId: string): string {
    return `${this.env.publicUrl}/berhenti/${messageId}.${this.mac(messageId)}`;
  }

  /** The message a token names, or null if Berkas did not sign it. */
  messageOf(token: string): string | null {
    const [id, mac] = token.split('.');
    if (!id || !mac || !UUID.test(id)) return null;
    const expected = Buffer.from(this.mac(id));
    const given = Buffer.from(mac);
    return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
  }

  private mac(id: string): string {
    return createHmac('sha256', this.env.linkSecret)
      .update(`withdraw:${id}`)
      .digest('base64url')
      .slice(0, 22);
  }
}
