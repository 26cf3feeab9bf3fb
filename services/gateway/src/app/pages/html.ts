import { WORDS, type Lang } from './i18n';

/** Escapes text for HTML element content and attribute values. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

export interface PageOptions {
  lang: Lang;
  title: string;
  body: string;
  /** The page's own path and query, so the language switch keeps the reader where they are. */
  here: { path: string; query?: Record<string, string | undefined> };
}

/** A link to `path` with `query`, keeping the reader's language. */
export function href(path: string, lang: Lang, query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
  if (lang === 'en') params.set('lang', 'en');
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/**
 * A page light enough for a phone on a slow connection: no scripts, one small cached stylesheet,
 * a skip link, landmarks, and the language switch in the header.
 */
export function page({ lang, title, body, here }: PageOptions): string {
  const other: Lang = lang === 'id' ? 'en' : 'id';
  const switchHref = href(here.path, other, here.query);
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Berkas</title>
<link rel="stylesheet" href="/assets/berkas.css">
</head>
<body>
<a class="skip" href="#main">${esc(WORDS[lang].skip)}</a>
<header><a class="brand" href="${esc(href('/', lang))}">Berkas</a>
<a class="lang" href="${esc(switchHref)}" hreflang="${other}" lang="${other}">${esc(WORDS[lang].switchTo)}</a></header>
<main id="main">
${body}
</main>
</body>
</html>`;
}
