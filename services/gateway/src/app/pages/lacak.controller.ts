import { ApiExcludeController } from '@nestjs/swagger';
import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '@berkas/auth';
import { AppError, type PublicView } from '@berkas/contracts';
import { RateLimit } from '../protection/rate-limit';
import { PublicViewCache } from '../tracking/public-view-cache';
import { esc, href, page } from './html';
import { formatDate, langOf, WORDS, type Lang, type Words } from './i18n';

const STATUS: Record<PublicView['status'], keyof Words> = {
  open: 'statusOpen',
  'in-transit': 'statusInTransit',
  closed: 'statusClosed',
};

/**
 * "Where is my file?" for citizens, as a plain HTML form that works without JavaScript on any phone.
 * It shows what the public view carries (no personal data) and says plainly when a number is mistyped.
 */
@ApiExcludeController() // a page for people, not part of the JSON API
@Controller()
export class LacakController {
  constructor(private readonly publicViews: PublicViewCache) {}

  @Public()
  @Get()
  home(@Req() req: Request, @Res() res: Response): void {
    const lang = langOf(req);
    res.type('html').send(trackingPage(lang, '/', '', ''));
  }

  @Public()
  @RateLimit('lookups')
  @Get('lacak')
  async lookup(@Query('nomor') nomor: string | undefined, @Req() req: Request, @Res() res: Response) {
    const lang = langOf(req);
    const number = String(nomor ?? '')
      .slice(0, 60)
      .trim();
    if (!number) return res.type('html').send(trackingPage(lang, '/lacak', '', ''));
    try {
      const view = await this.publicViews.lookup(number);
      res.setHeader('Cache-Control', 'public, max-age=30');
      return res.type('html').send(trackingPage(lang, '/lacak', number, result(view, lang)));
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500 || e.status === 429) throw e; // the error page says it
      const w = WORDS[lang];
      const why =
        e.code === 'INVALID_TRACKING_NUMBER'
          ? e.details?.[0]?.message === 'fails its check character'
            ? w.numberInvalidCheck
            : w.numberInvalidShape
          : e.status === 404
            ? w.notFound
            : e.message;
      const alert = `<p class="box error" role="alert" id="lookup-error">${esc(why)}</p>`;
      return res
        .status(e.status)
        .type('html')
        .send(trackingPage(lang, '/lacak', number, alert, true));
    }
  }
}

function trackingPage(lang: Lang, path: string, number: string, result: string, invalid = false): string {
  const w = WORDS[lang];
  const describedBy = invalid ? 'nomor-hint lookup-error' : 'nomor-hint';
  return page({
    lang,
    title: w.trackTitle,
    here: { path, query: { nomor: number || undefined } },
    body: `<h1>${esc(w.trackTitle)}</h1>
<p>${esc(w.trackIntro)}</p>
<form method="get" action="/lacak" role="search">
${lang === 'en' ? '<input type="hidden" name="lang" value="en">' : ''}
<label for="nomor">${esc(w.trackLabel)}</label>
<p class="hint" id="nomor-hint">${esc(w.trackHint)}</p>
<input id="nomor" name="nomor" value="${esc(number)}" required maxlength="60" autocomplete="off"
 autocapitalize="characters" spellcheck="false" aria-describedby="${describedBy}"${invalid ? ' aria-invalid="true"' : ''}>
<button type="submit">${esc(w.trackButton)}</button>
</form>
${result}
<p class="hint">${esc(w.privacy)}</p>`,
  });
}

/** The open stages (several during a parallel review), each with its agency and due date. */
function working(view: PublicView, lang: Lang): string {
  const w = WORDS[lang];
  if (view.awaitingApplicant)
    return `<dt>${esc(w.workingOn)}</dt><dd id="working">${esc(w.awaitingApplicant)}</dd>`;
  if (!view.currentStages.length) return '';
  const items = view.currentStages.map(
    (s) =>
      `<li>${esc(s.label[lang])} · ${esc(s.agency.name)} (${esc(s.agency.code)})${
        s.dueAt
          ? `, ${esc(w.stageDue)} <time datetime="${esc(s.dueAt)}">${esc(formatDate(s.dueAt, lang))}</time>`
          : ''
      }</li>`,
  );
  return `<dt>${esc(w.workingOn)}</dt><dd id="working"><ul>${items.join('')}</ul></dd>`;
}

function result(view: PublicView, lang: Lang): string {
  const w = WORDS[lang];
  const timeline = view.timeline
    .map(
      (t) => `<li><time datetime="${esc(t.at)}">${esc(formatDate(t.at, lang, true))}</time>
${esc(t.label[lang])}${t.agency ? ` · ${esc(t.agency.name)}` : ''}</li>`,
    )
    .join('\n');
  return `<section aria-labelledby="result-title" class="box" id="result">
<h2 id="result-title"><code>${esc(view.trackingNumber)}</code></h2>
<dl>
<dt>${esc(w.status)}</dt><dd id="status">${esc(w[STATUS[view.status]])}</dd>
${view.permitType ? `<dt>${esc(w.permitType)}</dt><dd>${esc(view.permitType.name[lang])}</dd>` : ''}
${working(view, lang)}
<dt>${esc(w.holder)}</dt><dd id="holder">${esc(view.holder.name)} (${esc(view.holder.code)})</dd>
<dt>${esc(w.heldSince)}</dt><dd><time datetime="${esc(view.heldSince)}">${esc(formatDate(view.heldSince, lang, true))}</time></dd>
<dt>${esc(w.dueAt)}</dt><dd id="due">${view.dueAt ? `<time datetime="${esc(view.dueAt)}">${esc(formatDate(view.dueAt, lang))}</time>` : esc(w.noDue)}</dd>
</dl>
<h2>${esc(w.timeline)}</h2>
<ol class="timeline">
${timeline}
</ol>
</section>
<p><a href="${esc(href('/lacak', lang))}">${esc(w.trackTitle)}</a></p>`;
}
