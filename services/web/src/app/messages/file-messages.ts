import { Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import type { FileMessages, MessageStatus } from '@berkas/contracts';
import { ApiClient, ApiProblem } from '../api/api-client';
import { translate, type Lang } from '../i18n/catalogue';

/** One message about a file, as the API lists it. */
export type FileMessage = FileMessages['items'][number];

/** A status's tag colour: the words say it, the colour only helps the eye. */
const STATUS_TAG: Record<MessageStatus, string> = {
  queued: 'govuk-tag--grey',
  sent: '', // the default tag, blue
  delivered: 'govuk-tag--green',
  read: 'govuk-tag--teal',
  failed: 'govuk-tag--red',
  dead: 'govuk-tag--red',
  skipped: 'govuk-tag--grey',
};

/** The statuses whose reason says why the message did not arrive. */
const ENDED_WITH_REASON = new Set<MessageStatus>(['failed', 'dead', 'skipped']);

const CHANNEL_NAMES: Record<FileMessage['channel'], string> = {
  email: 'Email',
  whatsapp: 'WhatsApp',
  sms: 'SMS',
};

/**
 * The notifications service's reasons (its own words, and the providers' error codes) the catalogue
 * says in the reader's language (messages.reasons.<key>); any other is shown as the service gave it.
 */
const KNOWN_REASONS: Array<[RegExp, string]> = [
  [/^no consent to WhatsApp/i, 'noWhatsAppConsent'],
  [/^no consent to SMS/i, 'noSmsConsent'],
  [/^no email or phone on record/i, 'noAddress'],
  [/^131026\b/, 'notOnWhatsApp'],
];

/** One message of a file as its table shows it, every word in the reader's language. */
export interface MessageRow {
  id: string;
  /** When it was written (the table's time), as the API gave it. */
  at: string;
  /** What it told: a notice's name in words. */
  what: string;
  to: {
    name: string;
    /** The email or phone, masked by the notifications service. */
    address: string;
    /** The address in the pieces a line may break between (see addressPieces). */
    addressPieces: string[];
    /** Applicant or officer: shown to officers, who see both. */
    kind: string | null;
  };
  channel: string;
  status: { text: string; classes: string };
  /** Why it failed, died or was not sent, or why it is being tried again. */
  reason: string | null;
  /** For a fallback: the message it stands in for, in words. */
  replaces: string | null;
}

/** A reason from the notifications service in the reader's language where the catalogue knows it. */
export function reasonWords(reason: string, lang: Lang): string {
  const known = KNOWN_REASONS.find(([pattern]) => pattern.test(reason.trim()));
  return known ? translate(lang, `messages.reasons.${known[1]}`) : reason.trim();
}

/**
 * Where a masked address may break across lines in a narrow column: an email after its @ and after
 * each dot of its domain (r***@ · bogorkota. · go. · id), a phone number nowhere.
 */
export function addressPieces(address: string): string[] {
  const at = address.indexOf('@');
  if (at <= 0) return [address];
  return [address.slice(0, at + 1), ...address.slice(at + 1).split(/(?<=\.)/)];
}

/**
 * A notice's name in words: "Permohonan diterima" where the catalogue has messages.notice.<kind>, or
 * "Pemberitahuan lain (code)" for one the service sends that the pages do not know yet.
 */
export function noticeWords(notice: string, lang: Lang): string {
  const key = `messages.notice.${notice}`;
  const words = translate(lang, key);
  return words !== key ? words : translate(lang, 'messages.otherNotice', { notice });
}

/**
 * The rows of a file's "messages sent" table, newest first: what each said, to whom, by which
 * channel, where it stands (a tag), why it failed or was not sent, and which failed message a
 * fallback replaces. Officers see whom each went to (applicant or officer); applicants only get
 * their own side's messages from the API anyway.
 */
export function messageRows(items: FileMessage[], lang: Lang, forStaff: boolean): MessageRow[] {
  const byId = new Map(items.map((m) => [m.id, m]));
  return items
    .map((m, order) => ({ m, order }))
    .sort((a, b) => b.m.createdAt.localeCompare(a.m.createdAt) || a.order - b.order)
    .map(({ m }) => {
      const replaced = m.fallbackFor ? byId.get(m.fallbackFor) : undefined;
      let reason: string | null = null;
      if (m.reason && ENDED_WITH_REASON.has(m.status))
        reason = translate(lang, 'messages.reason', { reason: reasonWords(m.reason, lang) });
      else if (m.reason && m.status === 'queued')
        reason = translate(lang, 'messages.retrying', { reason: reasonWords(m.reason, lang) });
      return {
        id: m.id,
        at: m.createdAt,
        what: noticeWords(m.notice, lang),
        to: {
          name: m.recipient.name,
          address: m.recipient.address,
          addressPieces: addressPieces(m.recipient.address),
          kind: forStaff ? translate(lang, `messages.kind.${m.recipient.kind}`) : null,
        },
        channel: CHANNEL_NAMES[m.channel] ?? m.channel,
        status: {
          text: translate(lang, `messages.status.${m.status}`),
          classes: STATUS_TAG[m.status] ?? 'govuk-tag--grey',
        },
        reason,
        replaces: !m.fallbackFor
          ? null
          : replaced
            ? translate(lang, 'messages.replaces', { channel: CHANNEL_NAMES[replaced.channel] })
            : translate(lang, 'messages.replacesUnknown'),
      };
    });
}

/**
 * What Berkas told people about a file, for its page: asked of the API as the person reading it.
 * The section is extra to the file's page, so when the notifications service cannot answer the page
 * is shown without it (null), and the failure is logged, never shown as an error page.
 */
@Injectable()
export class FileMessagesReader {
  private readonly logger = new Logger('FileMessages');

  constructor(private readonly api: ApiClient) {}

  async forFile(req: Request, token: string, applicationId: string): Promise<FileMessage[] | null> {
    try {
      const found = await this.api.get<FileMessages>(
        req,
        `/applications/${encodeURIComponent(applicationId)}/messages`,
        token,
      );
      return found.items;
    } catch (e) {
      this.logger.warn(
        {
          applicationId,
          status: e instanceof ApiProblem ? e.status : undefined,
          code: e instanceof ApiProblem ? e.code : undefined,
          error: String(e),
        },
        "the file's messages could not be read; its page is shown without them",
      );
      return null;
    }
  }
}
