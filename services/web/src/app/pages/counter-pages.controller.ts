import { Body, Controller, Get, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { CounterVisit, CounterVisitRequest } from '@berkas/contracts';
import { ApiClient, ApiProblem } from '../api/api-client';
import { requireOfficer } from '../desk/officer-only';
import { hrefIn, langOf, translate, type Lang } from '../i18n/catalogue';
import { PersonSession } from '../sessions/person-session';
import { AccessToken, SignedInGuard } from '../sessions/signed-in.guard';
import { PageRenderer } from '../views/page-renderer';
import { field, FormErrors } from './form-errors';
import { EMAIL, formRefusal, phoneE164 } from './input-rules';

const FIELDS = ['name', 'nik', 'phone', 'email'] as const;
type WalkInForm = Record<(typeof FIELDS)[number], string>;

/** Where the claim code will go, for the officer to read out and nobody else to learn. */
const maskedContact = (phone: string | null, email: string): string =>
  phone ? `${phone.slice(0, 6)}****${phone.slice(-4)}` : `${email.slice(0, 2)}***@${email.split('@')[1]}`;

/**
 * The front office's counter (loket). The officer takes the walk-in's KTP details and contact; from
 * then on the session works as the walk-in (every page of the portal, the same forms and checks),
 * each act recorded as the officer's for them, under a banner that says so, until "finish serving"
 * gives the officer their own session back. The receipt tells the walk-in how to claim the file
 * online with the code sent to the phone or email they gave.
 */
@Controller('loket')
@UseGuards(SignedInGuard)
export class CounterPagesController {
  constructor(
    private readonly api: ApiClient,
    private readonly pages: PageRenderer,
    private readonly session: PersonSession,
  ) {}

  @Get()
  show(@Req() req: Request, @Res() res: Response): void {
    // Serving someone already: their applications (those entered at this counter) are the way on.
    if (req.session.counter) return res.redirect(303, hrefIn(langOf(req), '/permohonan'));
    requireFrontOffice(req);
    this.pages.send(req, res, 'pages/counter', { form: {}, finished: req.query['selesai'] === '1' });
  }

  @Post()
  async open(
    @Body() body: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const lang = langOf(req);
    if (req.session.counter) return res.redirect(303, hrefIn(lang, '/permohonan'));
    requireFrontOffice(req);
    const form = Object.fromEntries(FIELDS.map((f) => [f, field(body, f)])) as WalkInForm;
    const errors = checkWalkIn(form, lang);
    const render = (status: number) => this.pages.send(req, res, 'pages/counter', { form, errors }, status);
    if (errors.any) return render(400);
    const phone = form.phone ? phoneE164(form.phone) : null;
    const request: CounterVisitRequest = {
      name: form.name,
      nik: form.nik,
      ...(phone ? { phone } : {}),
      ...(form.email ? { email: form.email } : {}),
    };
    let visit: CounterVisit;
    try {
      visit = await this.api.post<CounterVisit>(req, '/counter/visits', request, token);
    } catch (e) {
      const refused = formRefusal(e);
      if (refused.code === 'ACCOUNT_CLOSED') errors.add('nik', translate(lang, 'counter.accountClosed'));
      else if (
        !errors.addFromApi(refused.errors, (f) =>
          (FIELDS as readonly string[]).includes(f) ? translate(lang, `register.refused.${f}`) : undefined,
        )
      )
        errors.add('name', refused.message);
      return render(refused.status);
    }
    await this.session.startCounterVisit(req, visit, maskedContact(phone, form.email));
    res.redirect(303, hrefIn(lang, '/izin'));
  }

  /** The walk-in is served: back to the officer's own session and the counter's form. */
  @Post('selesai')
  async finish(@Req() req: Request, @Res() res: Response): Promise<void> {
    const lang = langOf(req);
    if (!req.session.counter) return res.redirect(303, hrefIn(lang, '/meja'));
    await this.session.endCounterVisit(req);
    res.redirect(303, hrefIn(lang, '/loket', { selesai: '1' }));
  }
}

/** The counter is the front office's: an officer with that role, in their own seat or acting. */
function requireFrontOffice(req: Request): void {
  requireOfficer(req);
  if (!req.session.person?.seats?.some((s) => s.roles.includes('front-office')))
    throw new ApiProblem(403, 'FORBIDDEN', translate(langOf(req), 'counter.frontOfficeOnly'));
}

function checkWalkIn(form: WalkInForm, lang: Lang): FormErrors {
  const errors = new FormErrors();
  const say = (f: string, key: string) => errors.add(f, translate(lang, `register.${key}`));
  if (form.name.length < 2) say('name', 'nameMissing');
  if (!/^[0-9]{16}$/.test(form.nik)) say('nik', form.nik ? 'nikShape' : 'nikMissing');
  if (!form.email && !form.phone) errors.add('phone', translate(lang, 'counter.contactMissing'));
  if (form.phone && !phoneE164(form.phone)) say('phone', 'phoneShape');
  if (form.email && !EMAIL.test(form.email)) say('email', 'emailShape');
  return errors;
}
