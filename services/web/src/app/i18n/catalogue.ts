import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Request } from 'express';

export type Lang = 'id' | 'en';
export const LANGS: readonly Lang[] = ['id', 'en'];

type Messages = { [key: string]: string | Messages };

/** The message catalogues (locales/<lang>.json), read once: Bahasa Indonesia first, then English. */
const CATALOGUES: Record<Lang, Messages> = Object.fromEntries(
  LANGS.map((lang) => [
    lang,
    JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'locales', `${lang}.json`), 'utf8')),
  ]),
) as Record<Lang, Messages>;

/** Indonesian unless the reader chose English (`?lang=en`, carried by every link and form). */
export function langOf(req: Request): Lang {
  return req.query['lang'] === 'en' ? 'en' : 'id';
}

/**
 * The message at `key` ("track.title") in `lang`, with {name} placeholders filled. A key missing from
 * a catalogue is a bug the catalogue spec catches; at run time it shows the key rather than nothing.
 */
export function translate(lang: Lang, key: string, params: Record<string, string | number> = {}): string {
  let node: string | Messages | undefined = CATALOGUES[lang];
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  if (typeof node !== 'string') return key;
  return node.replace(/\{(\w+)\}/g, (whole, name: string) => String(params[name] ?? whole));
}

/** Every key of a catalogue, dotted: for the spec that keeps the languages in step. */
export function keysOf(lang: Lang): string[] {
  const walk = (m: Messages, prefix: string): string[] =>
    Object.entries(m).flatMap(([k, v]) =>
      typeof v === 'string' ? [`${prefix}${k}`] : walk(v, `${prefix}${k}.`),
    );
  return walk(CATALOGUES[lang], '');
}

const LOCALES: Record<Lang, string> = { id: 'id-ID', en: 'en-GB' };

/**
 * Intl formatters, made once per language and style: making one costs far more than using it (it
 * was the web service's largest cost on "my applications", twenty dates a page).
 */
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function formatter<F extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, make: () => F): F {
  let made = formatters.get(key) as F | undefined;
  if (!made) formatters.set(key, (made = make()));
  return made;
}

/** A date (YYYY-MM-DD or a timestamp) the way readers of the language write it, in the city's time zone. */
export function formatDate(value: string, lang: Lang, withTime = false): string {
  const date = new Date(value.length === 10 ? `${value}T00:00:00+07:00` : value);
  const format = formatter(
    `date.${lang}.${withTime}`,
    () =>
      new Intl.DateTimeFormat(LOCALES[lang], {
        dateStyle: 'long',
        ...(withTime ? { timeStyle: 'short' } : {}),
        timeZone: 'Asia/Jakarta',
      }),
  );
  return format.format(date);
}

/** A number the way readers of the language write it (0,5 and 1.500 in Indonesian). */
export const formatNumber = (n: number, lang: Lang): string =>
  formatter(`number.${lang}`, () => new Intl.NumberFormat(LOCALES[lang])).format(n);

/** An amount as readers of the language write money (Rp150.000 in Indonesian), whole units only. */
export function formatMoney(amount: number, currency: string, lang: Lang): string {
  return formatter(
    `money.${lang}.${currency}`,
    () => new Intl.NumberFormat(LOCALES[lang], { style: 'currency', currency, maximumFractionDigits: 0 }),
  ).format(amount);
}

/** A link to `path` with `query`, keeping the reader's language. */
export function hrefIn(lang: Lang, path: string, query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
  if (lang === 'en') params.set('lang', 'en');
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}
