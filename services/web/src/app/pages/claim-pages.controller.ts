import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { TokenPair } from '@berkas/contracts';
import { ApiClient } from '../api/api-client';
import { hrefIn, langOf, translate } from '../i18n/catalogue';
import { PersonSession } from '../sessions/person-session';
import { PageRenderer } from '../views/page-renderer';
import { field, FormErrors } from './form-errors';
import { formRefusal, PASSWORD_MIN } from './input-rules';

/** A tracking number as printed (hyphens, spaces and case as typed): its shape, not its check symbol. */
const TRACKING_NUMBER = /^[0-9A-Za-z\s-]{15,30}$/;

/**
 * Claiming online a file entered at a counter: the tracking number on the receipt, the code sent to
 * the walk-in's phone or email, and a password of their own; then they are signed in and see it. A
 * lost or expired code is sent again from the second page (answered alike whatever the number).
 */
@Controller('klaim')
export class ClaimPagesController {
  constructor(
    private readonly api: ApiClient,
    private readonly pages: PageRenderer,
    private readonly session: PersonSession,
  ) {}

  @Get()
  show(@Req() req: Request, @Res() res: Response): void {
    const trackingNumber = typeof req.query['nomor'] === 'string' ? req.query['nomor'].slice(0, 40) : '';
    this.pages.send(req, res, 'pages/claim', { trackingNumber, resent: req.query['dikirim'] === '1' });
  }

  @Post()
  async claim(@Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const lang = langOf(req);
    const trackingNumber = field(body, 'trackingNumber', 40);
    const code = field(body, 'code', 20).replace(/\s/g, '');
    const password = field(body, 'password', 256, false);
    const errors = new FormErrors();
    if (!TRACKING_NUMBER.test(trackingNumber))
      errors.add(
        'trackingNumber',
        translate(lang, trackingNumber ? 'claim.numberShape' : 'claim.numberMissing'),
      );
    if (!/^[0-9]{6}$/.test(code)) errors.add('code', translate(lang, 'register.codeShape'));
    if (password.length < PASSWORD_MIN) errors.add('password', translate(lang, 'register.passwordShort'));
    const render = (status: number) =>
      this.pages.send(req, res, 'pages/claim', { trackingNumber, code, errors }, status);
    if (errors.any) return render(400);
    let pair: TokenPair;
    try {
      pair = await this.api.post<TokenPair>(req, '/auth/claim', { trackingNumber, code, password });
    } catch (e) {
      const refused = formRefusal(e);
      if (refused.code === 'INVALID_CODE') errors.add('code', translate(lang, 'claim.codeWrong'));
      else if (
        !errors.addFromApi(refused.errors, (f) =>
          f === 'password' ? translate(lang, 'register.refused.password') : undefined,
        )
      )
        errors.add('code', translate(lang, refused.status === 409 ? 'claim.taken' : 'claim.codeWrong'));
      return render(refused.status);
    }
    await this.session.signInWith(req, pair);
    res.redirect(303, hrefIn(lang, '/permohonan'));
  }

  @Get('kode')
  showResend(@Req() req: Request, @Res() res: Response): void {
    this.pages.send(req, res, 'pages/claim-code', {});
  }

  @Post('kode')
  async resend(@Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const lang = langOf(req);
    const trackingNumber = field(body, 'trackingNumber', 40);
    if (!TRACKING_NUMBER.test(trackingNumber)) {
      const errors = new FormErrors().add(
        'trackingNumber',
        translate(lang, trackingNumber ? 'claim.numberShape' : 'claim.numberMissing'),
      );
      return this.pages.send(req, res, 'pages/claim-code', { trackingNumber, errors }, 400);
    }
    try {
      await this.api.post(req, '/auth/claim/code', { trackingNumber });
    } catch (e) {
      formRefusal(e); // a number the API finds malformed is answered like any other: "if it exists"
    }
    res.redirect(303, hrefIn(lang, '/klaim', { nomor: trackingNumber, dikirim: '1' }));
  }
}
