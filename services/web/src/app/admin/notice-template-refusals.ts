import type { ErrorDetail } from '@berkas/contracts';
import { translate, type Lang } from '../i18n/catalogue';
import type { FormErrors } from '../pages/form-errors';

/** The texts of a notice's wording, as the form names its fields and the API its paths. */
export const TEMPLATE_FIELDS = ['subject', 'email', 'sms', 'whatsapp'] as const;
export type TemplateField = (typeof TEMPLATE_FIELDS)[number];

/**
 * The notifications service's reasons for refusing a text (`errors[].message`, in English, one per
 * rule: see its wording-rules.ts), each told in the reader's language with what it names.
 */
const RULES: Array<[RegExp, string, (m: RegExpExecArray) => Record<string, string>]> = [
  [/^is empty$/, 'empty', () => ({})],
  [/^is not a valid template/, 'syntax', () => ({})],
  [/^uses (.+?), [a-z ]+: only \{\{name\}\} is allowed$/, 'tag', (m) => ({ tag: m[1] })],
  [/^uses (\{\{.*?\}\}), which this notice does not have/, 'unknown', (m) => ({ variable: m[1] })],
  [/^must keep (\{\{\w+\}\})$/, 'link', (m) => ({ link: m[1] })],
  [
    /^must use exactly the parameters of its registered template (\S+): (.+)$/,
    'whatsapp',
    (m) => ({ template: m[1], parameters: m[2] }),
  ],
  [/^must be one line$/, 'oneLine', () => ({})],
  [
    /^is (\d+) characters once filled in with the examples; at most (\d+)$/,
    'length',
    (m) => ({ length: m[1], limit: m[2] }),
  ],
];

/** One refusal of a text in `lang`; the API's own words when the rule is not one of these. */
export function templateRefusal(lang: Lang, field: TemplateField, message: string): string {
  for (const [pattern, key, params] of RULES) {
    const m = pattern.exec(message);
    if (m)
      return translate(lang, `templates.refused.${key}`, {
        fieldName: translate(lang, `templates.fieldName.${field}`),
        ...params(m),
      });
  }
  return message;
}

/** The API's refusals of a wording, by field (the first of each); answers whether any field was named. */
export function addTemplateRefusals(errors: FormErrors, details: ErrorDetail[], lang: Lang): boolean {
  let named = false;
  for (const d of details) {
    const field = d.path.replace(/^\//, '') as TemplateField;
    if (!TEMPLATE_FIELDS.includes(field)) continue;
    errors.add(field, templateRefusal(lang, field, d.message));
    named = true;
  }
  return named;
}
