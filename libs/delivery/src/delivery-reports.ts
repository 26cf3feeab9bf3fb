import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ChannelName } from './channels';

/** Where a provider says a message got to. */
export type ReportedStatus = 'sent' | 'delivered' | 'read' | 'failed';

/** One status a provider reported for one message, by webhook. They may arrive late and out of order. */
export interface DeliveryReport {
  channel: ChannelName;
  /** The provider's id of the message (what `send` answered). */
  providerId: string;
  /** The message's own reference, when the provider carries it back. */
  reference: string | null;
  status: ReportedStatus;
  /** When the provider says it happened. */
  at: Date;
  /** Why it failed: the provider's code and words. */
  error: { code: string; reason: string } | null;
}

/** A webhook that is not the provider's (a wrong signature) or not in its documented shape. */
export class ReportRefused extends Error {
  constructor(
    message: string,
    /** The signature did not match: the caller is not the provider. */
    readonly forged: boolean,
  ) {
    super(message);
    this.name = 'ReportRefused';
  }
}

const sameText = (a: string, b: string) => {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
};

const WHATSAPP_STATUSES = new Set<ReportedStatus>(['sent', 'delivered', 'read', 'failed']);

interface WhatsAppStatus {
  id?: unknown;
  status?: unknown;
  timestamp?: unknown;
  biz_opaque_callback_data?: unknown;
  errors?: Array<{ code?: unknown; title?: unknown; message?: unknown }>;
}

/**
 * The statuses in a WhatsApp Cloud API webhook POST, once its X-Hub-Signature-256 (HMAC-SHA256 of the
 * raw body with the app secret) is checked. Other changes (incoming messages, template reviews) carry
 * no status and give none; a status Berkas does not know (deleted, warning) is left out.
 */
export function whatsAppReports(
  rawBody: Buffer,
  signature: string | undefined,
  appSecret: string,
): DeliveryReport[] {
  const expected = `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
  if (!signature || !sameText(signature, expected))
    throw new ReportRefused('X-Hub-Signature-256 does not match the body', true);
  let body: { object?: unknown; entry?: Array<{ changes?: Array<{ value?: { statuses?: unknown } }> }> };
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new ReportRefused('the body is not JSON', false);
  }
  if (body?.object !== 'whatsapp_business_account' || !Array.isArray(body.entry))
    throw new ReportRefused('not a whatsapp_business_account notification', false);
  const statuses = body.entry.flatMap((e) =>
    (Array.isArray(e?.changes) ? e.changes : []).flatMap((c) =>
      Array.isArray(c?.value?.statuses) ? (c.value.statuses as WhatsAppStatus[]) : [],
    ),
  );
  return statuses.flatMap((s): DeliveryReport[] => {
    if (typeof s?.id !== 'string' || !WHATSAPP_STATUSES.has(s.status as ReportedStatus)) return [];
    const seconds = Number(s.timestamp);
    const failure = s.status === 'failed' ? s.errors?.[0] : undefined;
    return [
      {
        channel: 'whatsapp',
        providerId: s.id,
        reference: typeof s.biz_opaque_callback_data === 'string' ? s.biz_opaque_callback_data : null,
        status: s.status as ReportedStatus,
        at: Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : new Date(),
        error:
          s.status === 'failed'
            ? {
                code: String(failure?.code ?? 'unknown'),
                reason: String(failure?.message ?? failure?.title ?? 'failed'),
              }
            : null,
      },
    ];
  });
}

/** Twilio's MessageStatus as Berkas reads it: queued, accepted and sending say nothing yet. */
const TWILIO_STATUSES: Record<string, ReportedStatus> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  undelivered: 'failed',
  failed: 'failed',
};

/**
 * The status in a Twilio status callback (form-encoded POST to the message's StatusCallback), once its
 * X-Twilio-Signature (HMAC-SHA1 of the full URL followed by each parameter name and value, sorted, with
 * the auth token) is checked; null for a status that says nothing yet. Twilio's callbacks carry no
 * time: `at` is when it arrived.
 */
export function twilioReport(
  url: string,
  params: Record<string, string>,
  signature: string | undefined,
  authToken: string,
): DeliveryReport | null {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, k) => acc + k + params[k], url);
  const expected = createHmac('sha1', authToken).update(data).digest('base64');
  if (!signature || !sameText(signature, expected))
    throw new ReportRefused('X-Twilio-Signature does not match the request', true);
  const providerId = params['MessageSid'];
  if (!providerId || !params['MessageStatus'])
    throw new ReportRefused('MessageSid and MessageStatus are required', false);
  const status = TWILIO_STATUSES[params['MessageStatus']];
  if (!status) return null;
  return {
    channel: 'sms',
    providerId,
    reference: referenceIn(url),
    status,
    at: new Date(),
    error:
      status === 'failed'
        ? {
            code: params['ErrorCode'] ?? 'unknown',
            reason: params['ErrorMessage'] ?? params['MessageStatus'],
          }
        : null,
  };
}

/** The message's reference SmsChannel put in the callback URL, if there is one. */
function referenceIn(url: string): string | null {
  try {
    return new URL(url).searchParams.get('reference');
  } catch {
    return null;
  }
}
