import type { ConsentState, UpdatePreferencesRequest } from '@berkas/contracts';
import { formatDate, translate, type Lang } from '../i18n/catalogue';
import { field, fieldList } from '../pages/form-errors';

export type ConsentChannel = 'whatsapp' | 'sms';
export const CONSENT_CHANNELS: readonly ConsentChannel[] = ['whatsapp', 'sms'];

/**
 * Where a consent stands, in a sentence: given or withdrawn, when, and how (on the account page or
 * from the link in a message), or never given.
 */
export function consentWords(state: ConsentState, lang: Lang): string {
  if (!state.at) return translate(lang, 'preferences.consent.never');
  const how = state.how === 'message-link' ? 'link' : 'account';
  return translate(lang, `preferences.consent.${state.given ? 'given' : 'withdrawn'}.${how}`, {
    date: formatDate(state.at, lang, true),
  });
}

/** The preferences form as posted, or what is wrong with it (a catalogue key per field). */
export type PostedPreferences =
  | {
      ok: true;
      language: 'id' | 'en';
      /** Officers only: one message a working day instead of one per task. */
      digest?: boolean;
      /** Each channel as its box was sent: ticked (consent given) or not. */
      consents: Record<ConsentChannel, boolean>;
      /** Each channel as the page showed it (its hidden `semula-` field), when the form carried it. */
      shown: Partial<Record<ConsentChannel, boolean>>;
    }
  | { ok: false; errors: Record<string, string>; typed: { consents: ConsentChannel[]; digest: boolean } };

/**
 * Reads the preferences form: the channels ticked (an unticked box sends nothing), what the page
 * showed for each, the language of the messages, and for officers the daily digest. An applicant's
 * post never carries a digest, which the API refuses for them.
 */
export function postedPreferences(body: unknown, isStaff: boolean): PostedPreferences {
  const ticked = fieldList(body, 'saluran', CONSENT_CHANNELS.length, 20);
  const consents = CONSENT_CHANNELS.filter((c) => ticked.includes(c));
  const digest = isStaff && field(body, 'ringkasan', 5) === 'ya';
  const language = field(body, 'bahasa', 5);
  if (language !== 'id' && language !== 'en')
    return { ok: false, errors: { bahasa: 'preferences.languageMissing' }, typed: { consents, digest } };
  const shown: Partial<Record<ConsentChannel, boolean>> = {};
  for (const c of CONSENT_CHANNELS) {
    const was = field(body, `semula-${c}`, 1);
    if (was === '1' || was === '0') shown[c] = was === '1';
  }
  return {
    ok: true,
    language,
    ...(isStaff ? { digest } : {}),
    consents: { whatsapp: consents.includes('whatsapp'), sms: consents.includes('sms') },
    shown,
  };
}

/**
 * What to ask the API to change: the language (and an officer's digest) as chosen, and a consent
 * only where the person changed its box from what the page showed them (or, without that, from
 * what holds now). Each consent change is recorded as given or withdrawn with when and how, so a
 * box left as it was must not become a withdrawal that never happened, and a box still ticked on a
 * page opened before the person withdrew from a message's link must not give it again.
 */
export function preferencesChange(
  posted: Extract<PostedPreferences, { ok: true }>,
  current?: Record<ConsentChannel, { given: boolean }>,
): UpdatePreferencesRequest {
  const change: UpdatePreferencesRequest = { language: posted.language };
  if (posted.digest !== undefined) change.digest = posted.digest;
  for (const c of CONSENT_CHANNELS)
    if (posted.consents[c] !== (posted.shown[c] ?? current?.[c].given)) change[c] = posted.consents[c];
  return change;
}

/**
 * A link's token from the path of `/berhenti/{token}`, or null when it cannot be one Berkas wrote
 * (the API is the judge of the rest: its signature, and whether its message exists).
 */
export function stopToken(value: unknown): string | null {
  return typeof value === 'string' && /^[A-Za-z0-9._-]{10,200}$/.test(value) ? value : null;
}
