import type { WhatsAppEnv } from '@berkas/config';
import { DeliveryError, type Accepted, type Channel, type OutgoingMessage } from './channels';

const TIMEOUT_MS = 10_000;

/**
 * Meta's error codes that say this message will never go as sent: a template that is not approved in
 * that language or gets the wrong parameters, a bad parameter, a token the app no longer has. The
 * rest (throttling 130429/131056/80007, Meta's own trouble 131000/131016/2) may pass later.
 */
const PERMANENT_CODES = new Set([
  100, 190, 131008, 131009, 131021, 131051, 132000, 132001, 132005, 132007, 132012, 132015, 132016, 132018,
]);

/**
 * WhatsApp through the WhatsApp Business Cloud API: a business-initiated message must be an approved
 * template (POST /{version}/{phone-number-id}/messages). Acceptance gives a wamid; whether it reached
 * the phone comes later by webhook (see whatsAppReports), carrying `biz_opaque_callback_data`: the
 * message's reference.
 */
export class WhatsAppChannel implements Channel {
  readonly name = 'whatsapp' as const;

  constructor(private readonly env: WhatsAppEnv) {}

  async send(message: OutgoingMessage): Promise<Accepted> {
    const template = message.template;
    if (!template) throw new DeliveryError('a WhatsApp message must be a registered template', true);
    const url = `${this.env.apiUrl.replace(/\/$/, '')}/${this.env.apiVersion}/${encodeURIComponent(this.env.phoneNumberId)}/messages`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.env.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: message.to.replace(/^\+/, ''),
          type: 'template',
          template: {
            name: template.name,
            language: { code: template.language },
            components: template.parameters.length
              ? [{ type: 'body', parameters: template.parameters.map((text) => ({ type: 'text', text })) }]
              : [],
          },
          biz_opaque_callback_data: message.reference,
        }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (e) {
      throw new DeliveryError(`WhatsApp API unreachable: ${(e as Error).message}`, false);
    }
    const body = (await res.json().catch(() => ({}))) as {
      messages?: Array<{ id: string }>;
      error?: { code?: number; message?: string; error_data?: { details?: string } };
    };
    const id = body.messages?.[0]?.id;
    if (res.ok && id) return { providerId: id };
    const code = body.error?.code;
    const permanent =
      code !== undefined
        ? PERMANENT_CODES.has(code)
        : res.status >= 400 && res.status < 500 && res.status !== 429;
    const details = body.error?.error_data?.details;
    throw new DeliveryError(
      `WhatsApp API ${res.status}: ${code ?? ''} ${body.error?.message ?? ''}${details ? ` (${details})` : ''}`.trim(),
      permanent,
    );
  }
}
