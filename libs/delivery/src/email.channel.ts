import { createTransport, type Transporter } from 'nodemailer';
import type { MailEnv } from '@berkas/config';
import { DeliveryError, type Accepted, type Channel, type OutgoingMessage } from './channels';

/** Email over SMTP with nodemailer: STARTTLS when offered, TLS from the start with SMTP_SECURE. */
export class EmailChannel implements Channel {
  readonly name = 'email' as const;
  private readonly transport: Transporter;

  constructor(private readonly env: MailEnv) {
    this.transport = createTransport({
      host: env.host,
      port: env.port,
      secure: env.secure,
      ...(env.username ? { auth: { user: env.username, pass: env.password } } : {}),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
  }

  async send(message: OutgoingMessage): Promise<Accepted> {
    try {
      const info = await this.transport.sendMail({
        from: this.env.from,
        to: message.to,
        subject: message.subject ?? '',
        text: message.text,
        // The reference makes a resent message recognisable as the same one.
        messageId: `<${message.reference}@berkas>`,
        headers: { 'X-Berkas-Reference': message.reference },
      });
      return { providerId: info.messageId };
    } catch (e) {
      const code = (e as { responseCode?: number }).responseCode;
      // 5xx from the server: this address or message is refused for good; anything else may pass later.
      throw new DeliveryError(`SMTP: ${(e as Error).message}`, !!code && code >= 500 && code < 600);
    }
  }
}
