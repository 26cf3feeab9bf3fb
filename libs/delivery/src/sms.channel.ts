import type { SmsEnv } from '@berkas/config';
import { DeliveryError, type Accepted, type Channel, type OutgoingMessage } from './channels';

const TIMEOUT_MS = 10_000;

/**
 * SMS through an HTTP gateway that speaks the Twilio Messages API (Twilio itself, or any gateway
 * compatible with it): POST /2010-04-01/Accounts/{sid}/Messages.json, form-encoded, HTTP Basic.
 */
export class SmsChannel implements Channel {
  readonly name = 'sms' as const;

  /**
   * `statusCallback`: where the gateway reports each message's delivery (see twilioReport), with the
   * message's reference added as `?reference=`: a report may arrive before the send's answer is stored.
   */
  constructor(
    private readonly env: SmsEnv,
    private readonly options: { statusCallback?: string } = {},
  ) {}

  async send(message: OutgoingMessage): Promise<Accepted> {
    const url = `${this.env.apiUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(this.env.accountSid)}/Messages.json`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${this.env.accountSid}:${this.env.authToken}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({
          To: message.to,
          From: this.env.from,
          Body: message.text,
          ...(this.options.statusCallback
            ? { StatusCallback: withReference(this.options.statusCallback, message.reference) }
            : {}),
        }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (e) {
      throw new DeliveryError(`SMS gateway unreachable: ${(e as Error).message}`, false);
    }
    const body = (await res.json().catch(() => ({}))) as { sid?: string; code?: number; message?: string };
    if (res.ok && body.sid) return { providerId: body.sid };
    // 4xx: this request will be refused again (a bad number, bad credentials); 5xx and 429: later.
    const permanent = res.status >= 400 && res.status < 500 && res.status !== 429;
    throw new DeliveryError(
      `SMS gateway ${res.status}: ${body.code ?? ''} ${body.message ?? ''}`.trim(),
      permanent,
    );
  }
}

function withReference(callback: string, reference: string): string {
  const url = new URL(callback);
  url.searchParams.set('reference', reference);
  return url.toString();
}
