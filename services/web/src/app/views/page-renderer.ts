import { dirname, join } from 'node:path';
import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import nunjucks from 'nunjucks';
import { FormErrors } from '../pages/form-errors';
import { csrf } from '../sessions/csrf';
import {
  formatDate,
  formatMoney,
  formatNumber,
  hrefIn,
  langOf,
  translate,
  type Lang,
} from '../i18n/catalogue';

/** Berkas's templates first, then GOV.UK Frontend's (its page template and component macros). */
const TEMPLATE_PATHS = [
  join(__dirname, '..', '..', '..', 'views'),
  join(dirname(require.resolve('govuk-frontend/package.json')), 'dist'),
];

/**
 * Renders pages from Nunjucks templates with autoescaping on: whatever a template prints is escaped
 * unless the template says otherwise, so a name, a note or a file name can never become markup.
 * Every page gets the reader's language and helpers bound to it: `t` (the message catalogue),
 * `href` (links that keep the language), `date`, the link that switches language in place, who is
 * signed in, and `csrfToken` for forms that post.
 */
@Injectable()
export class PageRenderer {
  private readonly env = new nunjucks.Environment(new nunjucks.FileSystemLoader(TEMPLATE_PATHS), {
    autoescape: true,
    throwOnUndefined: false, // GOV.UK Frontend's macros read optional parameters
  });

  /** The page `view` (under views/, without .njk) for `req`, sent with `status`. */
  send(req: Request, res: Response, view: string, vars: Record<string, unknown> = {}, status = 200): void {
    // A page with someone's name (and their session's CSRF token) is theirs alone: no cache keeps it,
    // not a shared proxy's, nor the browser's for the back button after sign-out.
    if (req.session?.person) res.setHeader('Cache-Control', 'no-store');
    res
      .status(status)
      .type('html')
      .send(this.render(req, view, vars));
  }

  render(req: Request, view: string, vars: Record<string, unknown> = {}): string {
    // A sign-in's notice of failed attempts is shown once, on the first page after it.
    const signInNotice = req.session?.signInNotice;
    if (signInNotice) delete req.session.signInNotice;
    const lang = langOf(req);
    if (vars.errors instanceof FormErrors) vars.errors.inLanguage(translate(lang, 'layout.errorPrefix'));
    return this.env.render(`${view}.njk`, { ...this.helpers(req, lang), signInNotice, ...vars });
  }

  private helpers(req: Request, lang: Lang) {
    const other: Lang = lang === 'id' ? 'en' : 'id';
    const query = Object.fromEntries(
      Object.entries(req.query).filter(
        (e): e is [string, string] => e[0] !== 'lang' && typeof e[1] === 'string',
      ),
    );
    return {
      lang,
      otherLang: other,
      switchHref: hrefIn(other, req.path, query),
      t: (key: string, params?: Record<string, string | number>) => translate(lang, key, params),
      href: (path: string, q?: Record<string, string | undefined>) => hrefIn(lang, path, q),
      date: (value: string, withTime = false) => formatDate(value, lang, withTime),
      money: (amount: number, currency: string) => formatMoney(amount, currency, lang),
      // A queue's count, "100+" once it reaches the cap it was counted to.
      formatCount: (n: number, cap: number) => `${formatNumber(n, lang)}${n >= cap ? '+' : ''}`,
      fileSize: (bytes: number) =>
        bytes < 1024 * 1024
          ? `${Math.max(1, Math.round(bytes / 1024))} KB`
          : `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`,
      // The signed-in person, for the header; their tokens never reach a template.
      person: req.session?.person,
      // At the counter: where the walk-in's claim code goes (the officer's sign-in stays out of reach).
      counter: req.session?.counter && {
        contact: req.session.counter.contact,
        existingAccount: req.session.counter.existingAccount,
      },
      // The session's CSRF token, for a form that posts (it makes the session on first use).
      csrfToken: () => (req.session ? csrf.generateToken(req) : ''),
    };
  }
}
