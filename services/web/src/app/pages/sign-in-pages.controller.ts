import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiProblem } from '../api/api-client';
import { hrefIn, langOf, translate } from '../i18n/catalogue';
import { PersonSession } from '../sessions/person-session';
import { CHANGE_PASSWORD_PATH, localPath } from '../sessions/signed-in.guard';
import { PageRenderer } from '../views/page-renderer';
import { field, FormErrors } from './form-errors';

const AFTER_SIGN_IN = '/akun';

/** Signing in (with email, phone or NIP, for applicants and officers alike) and signing out. */
@Controller()
export class SignInPagesController {
  constructor(
    private readonly session: PersonSession,
    private readonly pages: PageRenderer,
  ) {}

  @Get('masuk')
  async show(@Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    const next = localPath(query['next'], AFTER_SIGN_IN);
    if (await this.session.accessToken(req)) return res.redirect(303, next);
    this.render(req, res, {
      next,
      signedOut: query['keluar'] === '1',
      registered: query['terdaftar'] === '1',
      passwordReset: query['sandi'] === '1',
      fromPage: typeof query['next'] === 'string',
    });
  }

  @Post('masuk')
  async signIn(@Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const lang = langOf(req);
    const next = localPath(field(body, 'next', 500), AFTER_SIGN_IN);
    const username = field(body, 'username');
    const password = field(body, 'password', 256, false);
    const errors = new FormErrors();
    if (!username) errors.add('username', translate(lang, 'signIn.usernameMissing'));
    if (!password) errors.add('password', translate(lang, 'signIn.passwordMissing'));
    if (errors.any) return this.render(req, res, { next, username, errors }, 400);
    let signedIn: { passwordChangeRequired?: boolean };
    try {
      signedIn = await this.session.signIn(req, username, password);
    } catch (e) {
      if (!(e instanceof ApiProblem) || e.status >= 500) throw e;
      if (e.retryAfterSeconds) res.setHeader('Retry-After', String(e.retryAfterSeconds));
      const minutes = Math.ceil((e.retryAfterSeconds ?? 60) / 60);
      const words =
        e.status === 429
          ? translate(lang, 'signIn.paused', { minutes })
          : e.code === 'ACCOUNT_DISABLED'
            ? translate(lang, 'signIn.disabled')
            : translate(lang, 'signIn.wrong');
      errors.add('username', words);
      return this.render(req, res, { next, username, errors }, e.status);
    }
    // An initial password (an admin chose it) is replaced before anything else.
    if (signedIn.passwordChangeRequired) return res.redirect(303, hrefIn(lang, CHANGE_PASSWORD_PATH));
    // An officer, asked for no page in particular, starts the day at their desk.
    const desk = next === AFTER_SIGN_IN && req.session.person?.kind === 'staff';
    res.redirect(303, desk ? hrefIn(lang, '/meja') : next);
  }

  @Post('keluar')
  async signOut(@Req() req: Request, @Res() res: Response): Promise<void> {
    const lang = langOf(req);
    await this.session.signOut(req, res);
    res.redirect(303, hrefIn(lang, '/masuk', { keluar: '1' }));
  }

  private render(req: Request, res: Response, vars: Record<string, unknown>, status = 200): void {
    this.pages.send(req, res, 'pages/sign-in', vars, status);
  }
}
