import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { PermitVerification, PublicView } from '@berkas/contracts';
import { ApiClient, ApiProblem } from '../api/api-client';
import { langOf, translate } from '../i18n/catalogue';
import { PageRenderer } from '../views/page-renderer';

/** Why a lookup found nothing, in the reader's words. */
function lookupErrorOf(e: ApiProblem, req: Request): string {
  const lang = langOf(req);
  if (e.code === 'INVALID_TRACKING_NUMBER')
    return translate(
      lang,
      e.errors[0]?.message === 'fails its check character' ? 'track.invalidCheck' : 'track.invalidShape',
    );
  if (e.status === 404) return translate(lang, 'track.notFound');
  return e.message;
}

/**
 * The pages anyone may open: the start page, "where is my file?" and a permit's verification. They
 * show what the API's public answers carry (no personal data) and work without JavaScript.
 */
@Controller()
export class PublicPagesController {
  constructor(
    private readonly api: ApiClient,
    private readonly pages: PageRenderer,
  ) {}

  @Get()
  home(@Req() req: Request, @Res() res: Response): void {
    this.pages.send(req, res, 'pages/home', { number: '' });
  }

  @Get('lacak')
  async lookup(@Query('nomor') nomor: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const number = (typeof nomor === 'string' ? nomor : '').slice(0, 60).trim();
    if (!number) return this.pages.send(req, res, 'pages/lacak', { number });
    try {
      const view = await this.api.get<PublicView>(req, `/track/${encodeURIComponent(number)}`);
      res.setHeader('Cache-Control', 'public, max-age=30');
      this.pages.send(req, res, 'pages/lacak', { number, view });
    } catch (e) {
      // A mistyped or unknown number is the reader's to fix, on the same page; the rest is an error page.
      if (!(e instanceof ApiProblem) || (e.status !== 400 && e.status !== 404)) throw e;
      this.pages.send(req, res, 'pages/lacak', { number, lookupError: lookupErrorOf(e, req) }, e.status);
    }
  }

  @Get('verifikasi/:code')
  async verify(@Param('code') code: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    let result: PermitVerification;
    try {
      result = await this.api.get<PermitVerification>(req, `/permits/verify/${encodeURIComponent(code)}`);
    } catch (e) {
      if (!(e instanceof ApiProblem) || (e.status !== 400 && e.status !== 404)) throw e;
      result = { genuine: false, status: 'unknown' };
    }
    res.setHeader('Cache-Control', 'no-store'); // a revocation must show at once
    this.pages.send(req, res, 'pages/verify', { result });
  }
}
