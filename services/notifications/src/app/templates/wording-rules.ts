import Mustache from 'mustache';
import { LANGUAGES, WORDING_FIELDS, type NoticeTemplate, type Wording } from './templates';

/** The most characters each may have once filled in (WhatsApp: Meta's limit on a template's body). */
export const LIMITS = { subject: 200, sms: 480, whatsapp: 1024 } as const;

/** What every message has, whatever its notice: the person's name and the two links made per message. */
const ALWAYS_KNOWN = ['name', 'stopLink', 'preferencesLink'];

/** The link each channel's text must keep: where its reader stops that channel, or chooses how they hear. */
const REQUIRED_LINK: Partial<Record<keyof Wording, string>> = {
  email: 'preferencesLink',
  sms: 'stopLink',
  whatsapp: 'stopLink',
};

/** Mustache's tags other than {{name}}, by what they would do. */
const NOT_ALLOWED: Record<string, string> = {
  '#': 'a section',
  '^': 'an inverted section',
  '/': 'the end of a section',
  '>': 'a partial',
  '!': 'a comment',
  '&': 'unescaped output',
  '=': 'a change of delimiters',
};
/** A tag as it was written (Mustache reads {{{x}}} as {{&x}}). */
const written = (type: string, name: string) =>
  type === '&' ? `{{{${name}}}}` : type === '=' ? `{{=${name}=}}` : `{{${type}${name}}}`;

export interface WordingProblem {
  field: keyof Wording;
  message: string;
}

/**
 * The variables a notice's texts may use: those its shipped wording uses, in any language and channel
 * (what its planner fills in), and the three every message has.
 */
export function knownVariables(template: NoticeTemplate): string[] {
  const used = LANGUAGES.flatMap((lang) =>
    WORDING_FIELDS.flatMap((f) =>
      Mustache.parse(template[lang][f])
        .filter((token) => token[0] === 'name')
        .map((token) => token[1] as string),
    ),
  );
  return [...new Set([...used, ...ALWAYS_KNOWN])];
}

/** Fills a text in as messages are (no HTML escaping: they are text). */
export function fill(text: string, values: Record<string, string>): string {
  return Mustache.render(text, values, {}, { escape: (v: string) => v });
}

/**
 * What is wrong with a wording of `template`, field by field (empty: nothing): a template can only
 * insert variables ({{name}}: no sections, partials, comments, unescaped output or delimiter changes),
 * only those its notice has; the WhatsApp text uses exactly its registered template's parameters (what
 * Meta shows); WhatsApp and SMS keep the link that stops them, the email the link to the preferences;
 * the subject is one line; and filled in with `examples` each stays within its limit.
 */
export function problemsOf(
  template: NoticeTemplate,
  wording: Wording,
  examples: Record<string, string>,
): WordingProblem[] {
  const known = new Set(knownVariables(template));
  const problems: WordingProblem[] = [];
  for (const field of WORDING_FIELDS) {
    const say = (message: string) => problems.push({ field, message });
    const before = problems.length;
    const text = wording[field];
    if (!text.trim()) {
      say('is empty');
      continue;
    }
    let tokens: ReturnType<typeof Mustache.parse>;
    try {
      tokens = Mustache.parse(text);
    } catch (e) {
      say(`is not a valid template: ${(e as Error).message}`);
      continue;
    }
    const names: string[] = [];
    for (const [type, name] of tokens) {
      if (type === 'text') continue;
      if (type === 'name') names.push(name);
      else say(`uses ${written(type, name)}, ${NOT_ALLOWED[type] ?? 'a tag'}: only {{name}} is allowed`);
    }
    for (const name of new Set(names))
      if (!known.has(name))
        say(
          `uses {{${name}}}, which this notice does not have; it may use ${[...known].map((v) => `{{${v}}}`).join(', ')}`,
        );
    const link = REQUIRED_LINK[field];
    if (link && !names.includes(link)) say(`must keep {{${link}}}`);
    if (field === 'whatsapp') {
      const registered = template.whatsapp.parameters;
      const used = new Set(names);
      if (used.size !== registered.length || registered.some((p) => !used.has(p)))
        say(
          `must use exactly the parameters of its registered template ${template.whatsapp.name}: ${registered.map((p) => `{{${p}}}`).join(', ')}`,
        );
    }
    if (field === 'subject' && /[\r\n]/.test(text)) say('must be one line');
    if (problems.length > before || field === 'email') continue;
    const length = fill(text, examples).length;
    if (length > LIMITS[field])
      say(`is ${length} characters once filled in with the examples; at most ${LIMITS[field]}`);
  }
  return problems;
}
