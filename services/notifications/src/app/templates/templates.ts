import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Mustache from 'mustache';
import type { ChannelName, TemplateUse } from '@berkas/delivery';

const TEMPLATES_FILE = join(__dirname, '../../../data/templates.json');

export type Language = 'id' | 'en';
export const LANGUAGES: Language[] = ['id', 'en'];

/** What a notice says in one language: the email's subject and body, the SMS and the WhatsApp text. */
export interface Wording {
  subject: string;
  email: string;
  sms: string;
  whatsapp: string;
}
export const WORDING_FIELDS = ['subject', 'email', 'sms', 'whatsapp'] as const;

export interface NoticeTemplate {
  audience: 'applicant' | 'staff';
  /** A notice the law (or the service standard) says the person must get: it goes on whatever channel is left. */
  legallyRequired: boolean;
  /** The template registered at Meta and the variables filling its {{1}}, {{2}}… in order. */
  whatsapp: { name: string; parameters: string[] };
  id: Wording;
  en: Wording;
}

/** One message made from a template: what the person reads, and for WhatsApp the registered template. */
export interface Rendered {
  subject: string | null;
  body: string;
  template: TemplateUse | null;
  /** The version of the wording it was made from (null: the shipped wording, standing in for the stored one). */
  templateVersion: number | null;
}

/** templates.json: every notice with its fixed parts and its first wording, and the previews' example values. */
export interface ShippedFile {
  examples: Record<string, string>;
  /** What reads differently in English (as a message to a person who reads English has it). */
  examplesInEnglish: Record<string, string>;
  notices: Record<string, NoticeTemplate>;
}

/** The shipped file as it is (read again each time: callers keep what they need). */
export function readShipped(): ShippedFile {
  return JSON.parse(readFileSync(TEMPLATES_FILE, 'utf8')) as ShippedFile;
}

/** The variable names a Mustache text uses ({{name}} only: sections and partials are not allowed). */
export function variablesOf(text: string): string[] {
  return Mustache.parse(text).flatMap((token) => {
    const [type, name] = token;
    if (type === 'text') return [];
    if (type !== 'name') throw new Error(`{{${type}${name}}}: only {{name}} is allowed in a template`);
    return [name];
  });
}

/**
 * The wording of every notice in both languages (logic-less Mustache: a template can only insert the
 * variables it names, never run anything). Each WhatsApp text must use exactly the registered
 * template's parameters, so what is recorded as sent is what Meta shows.
 */
export class NoticeTemplates {
  private constructor(
    private readonly notices: Record<string, NoticeTemplate>,
    private readonly versions: ReadonlyMap<string, number>,
  ) {}

  static shipped(): NoticeTemplates {
    return NoticeTemplates.of(readShipped().notices);
  }

  /** `versions`: the stored version each wording is ("kind/language" → version); none for the shipped ones. */
  static of(
    notices: Record<string, NoticeTemplate>,
    versions: ReadonlyMap<string, number> = new Map(),
  ): NoticeTemplates {
    for (const [kind, t] of Object.entries(notices))
      for (const lang of LANGUAGES) {
        for (const text of Object.values(t[lang])) variablesOf(text);
        const used = new Set(variablesOf(t[lang].whatsapp));
        const registered = new Set(t.whatsapp.parameters);
        if (used.size !== registered.size || [...used].some((v) => !registered.has(v)))
          throw new Error(
            `${kind}/${lang}: the WhatsApp text uses ${[...used].join(', ')} but ${t.whatsapp.name} takes ${t.whatsapp.parameters.join(', ')}`,
          );
      }
    return new NoticeTemplates(notices, versions);
  }

  kinds(): string[] {
    return Object.keys(this.notices);
  }

  get(kind: string): NoticeTemplate {
    const t = this.notices[kind];
    if (!t) throw new Error(`no template for the notice ${kind}`);
    return t;
  }

  /** The registered WhatsApp templates, as Meta (or the stand-in) knows them. */
  registered(): Array<{ name: string; language: Language; parameters: number }> {
    return Object.values(this.notices).flatMap((t) =>
      LANGUAGES.map((language) => ({
        name: t.whatsapp.name,
        language,
        parameters: t.whatsapp.parameters.length,
      })),
    );
  }

  render(
    kind: string,
    channel: ChannelName,
    language: Language,
    variables: Record<string, string>,
  ): Rendered {
    const t = this.get(kind);
    const wording = t[language];
    const fill = (text: string) => Mustache.render(text, variables, {}, { escape: (v: string) => v });
    const templateVersion = this.versions.get(`${kind}/${language}`) ?? null;
    if (channel === 'email')
      return { subject: fill(wording.subject), body: fill(wording.email), template: null, templateVersion };
    if (channel === 'sms') return { subject: null, body: fill(wording.sms), template: null, templateVersion };
    return {
      subject: null,
      body: fill(wording.whatsapp),
      templateVersion,
      template: {
        name: t.whatsapp.name,
        language,
        parameters: t.whatsapp.parameters.map((v) => variables[v] ?? ''),
      },
    };
  }
}
