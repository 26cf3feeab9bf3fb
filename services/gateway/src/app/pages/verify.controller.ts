import { ApiExcludeController } from '@nestjs/swagger';
import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '@berkas/auth';
import { AppError, type PermitVerification } from '@berkas/contracts';
import { ServiceClient } from '@berkas/messaging';
import { RateLimit } from '../protection/rate-limit';
import { esc, page } from './html';
import { formatDate, langOf, WORDS, type Words } from './i18n';

const VERDICT: Record<PermitVerification['status'], keyof Words> = {
  valid: 'verdictValid',
  expired: 'verdictExpired',
  revoked: 'verdictRevoked',
  unknown: 'verdictUnknown',
};

/** Where an issued permit's QR code leads: is this permit genuine, and is it still valid? */
@ApiExcludeController() // a page for people, not part of the JSON API
@Controller('verifikasi')
export class VerifyController {
  constructor(private readonly permits: ServiceClient) {}

  @Public()
  @RateLimit('lookups')
  @Get(':code')
  async verify(@Param('code') code: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const lang = langOf(req);
    const w = WORDS[lang];
    let result: PermitVerification;
    try {
      result = await this.permits.request('permits.permits.verify', { code });
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500 || e.status === 429) throw e;
      result = { genuine: false, status: 'unknown' };
    }
    const ok = result.genuine && result.status === 'valid';
    const details = result.genuine
      ? `<dl class="box">
<dt>${esc(w.permitNumber)}</dt><dd><code id="permit-number">${esc(result.number)}</code></dd>
<dt>${esc(w.permitType)}</dt><dd>${esc(result.permitType?.name[lang])}</dd>
<dt>${esc(w.permitHolder)}</dt><dd>${esc(result.holderName)}</dd>
<dt>${esc(w.issuedAt)}</dt><dd>${result.issuedAt ? esc(formatDate(result.issuedAt, lang)) : '—'}</dd>
<dt>${esc(w.validUntil)}</dt><dd>${result.validUntil ? esc(formatDate(result.validUntil, lang)) : esc(w.forever)}</dd>
</dl>`
      : '';
    res.setHeader('Cache-Control', 'no-store'); // a revocation must show at once
    res.type('html').send(
      page({
        lang,
        title: w.verifyTitle,
        here: { path: `/verifikasi/${encodeURIComponent(code)}` },
        body: `<h1>${esc(w.verifyTitle)}</h1>
<p class="box ${ok ? 'ok' : 'error'}" role="status" id="verdict"><strong>${esc(w[VERDICT[result.status]])}</strong></p>
${details}`,
      }),
    );
  }
}
