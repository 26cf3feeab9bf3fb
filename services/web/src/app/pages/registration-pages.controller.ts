import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { RegisterRequest, RegistrationStarted } from '@berkas/contracts';
import { ApiClient } from '../api/api-client';
import { hrefIn, langOf, translate, type Lang } from '../i18n/catalogue';
import { PageRenderer } from '../views/page-renderer';
import { sessionSaved } from '../sessions/person-session';
import { field, FormErrors } from './form-errors';
import { EMAIL, PASSWORD_MIN, formRefusal, phoneE164 } from './input-rules';

/** The fields the registration form has, in the order its error summary lists them. */
const FIELDS = ['kind', 'companyName', 'nib', 'name', 'nik', 'email', 'phone', 'password'] as const;
type RegistrationForm = Record<(typeof FIELDS)[number], string>;

/**
 * Registering as a person (NIK) or a company (NIB and the company's name): a code goes to the email
 * (or the phone), and typing it in here creates the account. The form checks what a phone can get
 * wrong (missing, the wrong number of digits) in the reader's language; identity checks the rest
 * (a NIK's region and date, a common password) and this page says which field it refused.
 */
@Controller('daftar')
export class RegistrationPagesController {
  constructor(
    private readonly api: ApiClient,
    private readonly pages: PageRenderer,
  ) {}

  /** First the one question (person or company), then the form for that kind. */
  @Get()
  show(@Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response): void {
    const kind = query['jenis'];
    if (kind === 'person' || kind === 'company')
      return this.pages.send(req, res, 'pages/register', { form: { kind } });
    const chose = query['pilih'] !== undefined;
    const kindError = chose ? translate(langOf(req), 'register.kindMissing') : undefined;
    this.pages.send(req, res, 'pages/register-kind', { kindError }, chose ? 400 : 200);
  }

  @Post()
  async register(@Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const lang = langOf(req);
    const form = Object.fromEntries(
      FIELDS.map((f) => [f, field(body, f, f === 'password' ? 256 : 254, f !== 'password')]),
    ) as RegistrationForm;
    if (form.kind !== 'person' && form.kind !== 'company') return res.redirect(303, hrefIn(lang, '/daftar'));
    const errors = checkRegistration(form, lang);
    const render = (status: number) =>
      this.pages.send(req, res, 'pages/register', { form: { ...form, password: '' }, errors }, status);
    if (errors.any) return render(400);
    const phone = form.phone ? phoneE164(form.phone) : null;
    const request: RegisterRequest = {
      kind: form.kind as RegisterRequest['kind'],
      name: form.name,
      password: form.password,
      ...(form.email ? { email: form.email } : {}),
      ...(phone ? { phone } : {}),
      ...(form.kind === 'person' ? { nik: form.nik } : { nib: form.nib, companyName: form.companyName }),
    };
    let started: RegistrationStarted;
    try {
      started = await this.api.post<RegistrationStarted>(req, '/auth/register', request);
    } catch (e) {
      const refused = formRefusal(e);
      const matched = errors.addFromApi(refused.errors, (f) =>
        (FIELDS as readonly string[]).includes(f) ? translate(lang, `register.refused.${f}`) : undefined,
      );
      if (!matched) errors.add('name', refused.message);
      return render(refused.status);
    }
    req.session.registration = {
      login: form.email || phone || form.phone,
      sentTo: started.sentTo,
      channel: started.channel,
      expiresAt: started.expiresAt,
    };
    await sessionSaved(req);
    res.redirect(303, hrefIn(lang, '/daftar/kode'));
  }

  @Get('kode')
  showCode(@Req() req: Request, @Res() res: Response): void {
    const registration = req.session.registration;
    if (!registration) return res.redirect(303, hrefIn(langOf(req), '/daftar'));
    this.pages.send(req, res, 'pages/register-code', { registration });
  }

  @Post('kode')
  async confirm(@Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const lang = langOf(req);
    const registration = req.session.registration;
    if (!registration) return res.redirect(303, hrefIn(lang, '/daftar'));
    const code = field(body, 'code', 20).replace(/\s/g, '');
    const errors = new FormErrors();
    const render = (status: number) =>
      this.pages.send(req, res, 'pages/register-code', { registration, code, errors }, status);
    if (!/^[0-9]{6}$/.test(code)) {
      errors.add('code', translate(lang, 'register.codeShape'));
      return render(400);
    }
    try {
      await this.api.post(req, '/auth/register/confirm', { login: registration.login, code });
    } catch (e) {
      const refused = formRefusal(e);
      const words =
        refused.code === 'INVALID_CODE'
          ? translate(lang, 'register.codeWrong')
          : translate(lang, 'register.taken');
      errors.add('code', words);
      return render(refused.status);
    }
    delete req.session.registration;
    res.redirect(303, hrefIn(lang, '/masuk', { terdaftar: '1' }));
  }
}

/**
 * Accepting a company's invitation: the email or phone it went to, the code in it, and the member's
 * own password (identity creates the account, in the company, not as its admin).
 */
@Controller('daftar/undangan')
export class InvitationPagesController {
  constructor(
    private readonly api: ApiClient,
    private readonly pages: PageRenderer,
  ) {}

  @Get()
  show(@Req() req: Request, @Res() res: Response): void {
    this.pages.send(req, res, 'pages/invitation', {});
  }

  @Post()
  async accept(@Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const lang = langOf(req);
    const login = field(body, 'login');
    const code = field(body, 'code', 20).replace(/\s/g, '');
    const password = field(body, 'password', 256, false);
    const errors = new FormErrors();
    if (!login) errors.add('login', translate(lang, 'password.loginMissing'));
    if (!/^[0-9]{6}$/.test(code)) errors.add('code', translate(lang, 'register.codeShape'));
    if (password.length < PASSWORD_MIN) errors.add('password', translate(lang, 'register.passwordShort'));
    const render = (status: number) =>
      this.pages.send(req, res, 'pages/invitation', { login, code, errors }, status);
    if (errors.any) return render(400);
    try {
      await this.api.post(req, '/auth/register/confirm', { login, code, password });
    } catch (e) {
      const refused = formRefusal(e);
      if (refused.code === 'INVALID_CODE') errors.add('code', translate(lang, 'register.codeWrong'));
      else if (
        !errors.addFromApi(refused.errors, (f) =>
          f === 'password' ? translate(lang, 'register.refused.password') : undefined,
        )
      )
        errors.add('code', translate(lang, 'register.taken'));
      return render(refused.status);
    }
    res.redirect(303, hrefIn(lang, '/masuk', { terdaftar: '1' }));
  }
}

function checkRegistration(form: RegistrationForm, lang: Lang): FormErrors {
  const errors = new FormErrors();
  const say = (f: string, key: string) => errors.add(f, translate(lang, `register.${key}`));
  // In the order the page asks, so the error summary reads top to bottom.
  if (form.kind === 'company') {
    if (form.companyName.length < 2) say('companyName', 'companyNameMissing');
    if (!/^[0-9]{13}$/.test(form.nib)) say('nib', form.nib ? 'nibShape' : 'nibMissing');
  }
  if (form.name.length < 2) say('name', 'nameMissing');
  if (form.kind === 'person' && !/^[0-9]{16}$/.test(form.nik))
    say('nik', form.nik ? 'nikShape' : 'nikMissing');
  if (!form.email && !form.phone) say('email', 'contactMissing');
  if (form.email && !EMAIL.test(form.email)) say('email', 'emailShape');
  if (form.phone && !phoneE164(form.phone)) say('phone', 'phoneShape');
  if (form.password.length < PASSWORD_MIN) say('password', 'passwordShort');
  return errors;
}
