import { Body, Controller, Get, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { RegistrationStarted, TokenPair } from '@berkas/contracts';
import { ApiClient } from '../api/api-client';
import { hrefIn, langOf, translate, type Lang } from '../i18n/catalogue';
import { PersonSession, sessionSaved } from '../sessions/person-session';
import { AccessToken, SignedInGuard } from '../sessions/signed-in.guard';
import { PageRenderer } from '../views/page-renderer';
import { field, FormErrors } from './form-errors';
import { PASSWORD_MIN, formRefusal } from './input-rules';

/** The API's refusal of a form, as the field it names says it; anything else goes to the error page. */
function refusal(e: unknown, errors: FormErrors, lang: Lang, fieldOf: Record<string, string>): number {
  const refused = formRefusal(e);
  if (refused.code === 'INVALID_CODE') errors.add('code', translate(lang, 'register.codeWrong'));
  else if (!errors.addFromApi(refused.errors, (f) => (fieldOf[f] ? translate(lang, fieldOf[f]) : undefined)))
    errors.add(Object.keys(fieldOf)[0], refused.message);
  return refused.status;
}

/**
 * A forgotten password (a code to the email or phone, then a new password) and a password changed
 * by its signed-in owner. Either ends every other sign-in of the account; the owner is told.
 */
@Controller()
export class PasswordPagesController {
  constructor(
    private readonly api: ApiClient,
    private readonly pages: PageRenderer,
    private readonly session: PersonSession,
  ) {}

  @Get('lupa-sandi')
  showForgot(@Req() req: Request, @Res() res: Response): void {
    this.pages.send(req, res, 'pages/forgot-password', {});
  }

  @Post('lupa-sandi')
  async startReset(@Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const lang = langOf(req);
    const login = field(body, 'login');
    const errors = new FormErrors();
    if (!login) {
      errors.add('login', translate(lang, 'password.loginMissing'));
      return this.pages.send(req, res, 'pages/forgot-password', { errors }, 400);
    }
    let started: RegistrationStarted;
    try {
      started = await this.api.post<RegistrationStarted>(req, '/auth/password-reset', { login });
    } catch (e) {
      const status = refusal(e, errors, lang, { login: 'password.loginShape' });
      return this.pages.send(req, res, 'pages/forgot-password', { login, errors }, status);
    }
    req.session.passwordReset = { login, ...started };
    await sessionSaved(req);
    res.redirect(303, hrefIn(lang, '/lupa-sandi/kode'));
  }

  @Get('lupa-sandi/kode')
  showReset(@Req() req: Request, @Res() res: Response): void {
    const reset = req.session.passwordReset;
    if (!reset) return res.redirect(303, hrefIn(langOf(req), '/lupa-sandi'));
    this.pages.send(req, res, 'pages/reset-password', { reset });
  }

  @Post('lupa-sandi/kode')
  async reset(@Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const lang = langOf(req);
    const reset = req.session.passwordReset;
    if (!reset) return res.redirect(303, hrefIn(lang, '/lupa-sandi'));
    const code = field(body, 'code', 20).replace(/\s/g, '');
    const password = field(body, 'password', 256, false);
    const errors = new FormErrors();
    if (!/^[0-9]{6}$/.test(code)) errors.add('code', translate(lang, 'register.codeShape'));
    if (password.length < PASSWORD_MIN) errors.add('password', translate(lang, 'register.passwordShort'));
    const render = (status: number) =>
      this.pages.send(req, res, 'pages/reset-password', { reset, code, errors }, status);
    if (errors.any) return render(400);
    try {
      await this.api.post(req, '/auth/password-reset/confirm', { login: reset.login, code, password });
    } catch (e) {
      return render(
        refusal(e, errors, lang, { code: 'register.codeWrong', password: 'register.refused.password' }),
      );
    }
    delete req.session.passwordReset;
    res.redirect(303, hrefIn(lang, '/masuk', { sandi: '1' }));
  }

  @Get('akun/sandi')
  @UseGuards(SignedInGuard)
  showChange(@Req() req: Request, @Res() res: Response): void {
    this.pages.send(req, res, 'pages/change-password', { required: !!req.session.passwordChangeRequired });
  }

  @Post('akun/sandi')
  @UseGuards(SignedInGuard)
  async change(
    @Body() body: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const lang = langOf(req);
    const currentPassword = field(body, 'currentPassword', 256, false);
    const newPassword = field(body, 'newPassword', 256, false);
    const errors = new FormErrors();
    if (!currentPassword) errors.add('currentPassword', translate(lang, 'signIn.passwordMissing'));
    if (newPassword.length < PASSWORD_MIN)
      errors.add('newPassword', translate(lang, 'register.passwordShort'));
    const required = !!req.session.passwordChangeRequired;
    const render = (status: number) =>
      this.pages.send(req, res, 'pages/change-password', { errors, required }, status);
    if (errors.any) return render(400);
    let pair: TokenPair;
    try {
      pair = await this.api.post<TokenPair>(req, '/auth/password', { currentPassword, newPassword }, token);
    } catch (e) {
      return render(
        refusal(e, errors, lang, {
          currentPassword: 'password.currentWrong',
          newPassword: 'register.refused.password',
        }),
      );
    }
    await this.session.continueWith(req, pair);
    // An officer who had to replace an initial password goes on to their desk.
    const next = required && req.session.person?.kind === 'staff' ? '/meja' : '/akun';
    res.redirect(303, hrefIn(lang, next, { sandi: '1' }));
  }
}
