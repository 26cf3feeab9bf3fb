import type { FormField } from '@berkas/contracts';
import { formatNumber, translate, type Lang } from '../i18n/catalogue';
import { field as textOf, FormErrors } from '../pages/form-errors';
import type { RegionPlaces } from './region-places';

/** Questions per page: short groups, so a phone shows a page without much scrolling. */
export const FIELDS_PER_PAGE = 3;

export type Answers = Record<string, unknown>;
/** What the person typed, as they typed it (shown again beside an error). */
export type Typed = Record<string, string>;

/** The permit type's questions, in pages of FIELDS_PER_PAGE. */
export function questionPages(form: FormField[]): FormField[][] {
  const pages: FormField[][] = [];
  for (let i = 0; i < form.length; i += FIELDS_PER_PAGE) pages.push(form.slice(i, i + FIELDS_PER_PAGE));
  return pages;
}

/** A number as people type it: Indonesians write a decimal comma ("2,5"), others a point. */
export function numberOf(raw: string): number | undefined {
  const cleaned = raw.trim().replace(/\s/g, '');
  if (!/^-?[0-9]+([.,][0-9]+)?$/.test(cleaned)) return undefined;
  const value = Number(cleaned.replace(',', '.'));
  return Number.isFinite(value) ? value : undefined;
}

const isAnswered = (value: unknown) => value !== undefined && value !== null && value !== '';

/** The required questions not answered yet. */
export function unanswered(form: FormField[], answers: Answers): FormField[] {
  return form.filter((f) => f.required && !isAnswered(answers[f.name]));
}

/**
 * Reads one page's answers from a posted form and checks them as the permit type defines them:
 * required, numbers (decimal commas welcome) within their range, whole numbers, lengths, patterns,
 * real dates, yes/no, listed options and the region's kelurahan (`places`). Errors are in the
 * reader's language and name the question.
 */
export function readAnswers(
  fields: FormField[],
  body: unknown,
  lang: Lang,
  places?: RegionPlaces | null,
): { values: Answers; typed: Typed; errors: FormErrors } {
  const values: Answers = {};
  const typed: Typed = {};
  const errors = new FormErrors();
  const say = (f: FormField, key: string, params: Record<string, string | number> = {}) =>
    errors.add(f.name, translate(lang, `apply.errors.${key}`, { label: f.label[lang], ...params }));
  for (const f of fields) {
    const raw =
      f.type === 'date'
        ? dateOf(
            textOf(body, `${f.name}-day`, 2),
            textOf(body, `${f.name}-month`, 2),
            textOf(body, `${f.name}-year`, 4),
          )
        : textOf(body, f.name, 2000);
    typed[f.name] = raw;
    if (!raw) {
      values[f.name] = undefined;
      const chosen = f.type === 'enum' || f.type === 'boolean' || f.type === 'area';
      if (f.required) say(f, chosen ? 'choose' : 'required');
      continue;
    }
    const value = f.type === 'area' ? (places?.village(raw) ? raw : undefined) : valueOf(f, raw);
    if (value === undefined) say(f, f.type === 'integer' ? 'integer' : f.type);
    else if (typeof value === 'number' && f.minimum !== undefined && value < f.minimum)
      say(f, 'minimum', { min: formatNumber(f.minimum, lang) });
    else if (typeof value === 'number' && f.maximum !== undefined && value > f.maximum)
      say(f, 'maximum', { max: formatNumber(f.maximum, lang) });
    else if (typeof value === 'string' && f.maxLength !== undefined && value.length > f.maxLength)
      say(f, 'tooLong', { max: f.maxLength });
    else if (
      typeof value === 'string' &&
      f.type === 'string' &&
      f.pattern &&
      !new RegExp(f.pattern).test(value)
    )
      say(f, 'pattern');
    else values[f.name] = value;
  }
  return { values, typed, errors };
}

function valueOf(f: FormField, raw: string): unknown {
  switch (f.type) {
    case 'number':
      return numberOf(raw);
    case 'integer': {
      const n = numberOf(raw);
      return n !== undefined && Number.isInteger(n) ? n : undefined;
    }
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : undefined;
    case 'enum':
      return f.options?.includes(raw) ? raw : undefined;
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(raw) ? raw : undefined;
    default:
      return raw;
  }
}

/** Day, month and year typed apart (GOV.UK's date input) as YYYY-MM-DD, or 'invalid' for no real date. */
function dateOf(day: string, month: string, year: string): string {
  if (!day && !month && !year) return '';
  const [d, m, y] = [Number(day), Number(month), Number(year)];
  const date = new Date(Date.UTC(y, m - 1, d));
  const real = year.length === 4 && date.getUTCDate() === d && date.getUTCMonth() === m - 1;
  return real ? date.toISOString().slice(0, 10) : 'invalid';
}

/** Saved answers as the inputs show them: numbers with the reader's decimal mark. */
export function typedFrom(fields: FormField[], answers: Answers, lang: Lang): Typed {
  const typed: Typed = {};
  for (const f of fields) {
    const value = answers[f.name];
    if (!isAnswered(value)) continue;
    typed[f.name] =
      typeof value === 'number' && lang === 'id' ? String(value).replace('.', ',') : String(value);
  }
  return typed;
}

/** An answer as the check-your-answers page shows it. */
export function shownAnswer(f: FormField, value: unknown, lang: Lang, places?: RegionPlaces | null): string {
  if (!isAnswered(value)) return '';
  const place = f.type === 'area' && typeof value === 'string' ? places?.village(value) : undefined;
  if (place) return translate(lang, 'apply.place', { village: place.village, district: place.district });
  if (typeof value === 'boolean') return translate(lang, value ? 'apply.yes' : 'apply.no');
  if (typeof value === 'number') return formatNumber(value, lang);
  return String(value);
}
