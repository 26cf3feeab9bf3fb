import { Body, Controller, Get, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ConsentWithdrawn, Me, Preferences } from '@berkas/contracts';
import { ApiClient, ApiProblem } from '../api/api-client';
import { hrefIn, langOf, translate } from '../i18n/catalogue';
import {
  CONSENT_CHANNELS,
  consentWords,
  postedPreferences,
  preferencesChange,
  stopToken,
  type ConsentChannel,
} from '../messages/preferences-form';
import { sessionSaved } from '../sessions/person-session';
import { AccessToken, SignedInGuard } from '../sessions/signed-in.guard';
import { PageRenderer } from '../views/page-renderer';
import { FormErrors } from './form-errors';
import { formRefusal } from './input-rules';

const PREFERENCES_PATH = '/akun/pemberitahuan';

/**
 * How the signed-in person hears about files: their consent to WhatsApp and to SMS (each with when
 * and how it was last given or withdrawn), the language of their messages, and for officers one
 * daily digest instead of a message per task. Saved through the API, then shown again (PRG).
 */
@Controller('akun/pemberitahuan')
@UseGuards(SignedInGuard)
export class PreferencePagesController {
  constructor(
    private readonly api: ApiClient,
    private readonly pages: PageRenderer,
  ) {}

  @Get()
  async show(
    @Query('disimpan') saved: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const [me, preferences] = await Promise.all([
      this.api.get<Me>(req, '/me', token),
      this.api.get<Preferences>(req, '/me/notifications', token),
    ]);
    this.render(req, res, me, preferences, { saved: saved === '1' });
  }

  @Post()
  async save(
    @Body() body: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const lang = langOf(req);
    const isStaff = req.session.person?.kind === 'staff';
    const posted = postedPreferences(body, isStaff);
    const errors = new FormErrors();
    if (posted.ok) {
      // A form that did not say what it showed is compared with what holds now.
      const current = CONSENT_CHANNELS.every((c) => posted.shown[c] !== undefined)
        ? undefined
        : (await this.api.get<Preferences>(req, '/me/notifications', token)).consents;
      try {
        await this.api.patch<Preferences>(
          req,
          '/me/notifications',
          preferencesChange(posted, current),
          token,
        );
        return res.redirect(303, hrefIn(lang, PREFERENCES_PATH, { disimpan: '1' }));
      } catch (e) {
        errors.add('saluran', formRefusal(e).message);
      }
    } else for (const [name, key] of Object.entries(posted.errors)) errors.add(name, translate(lang, key));
    const [me, preferences] = await Promise.all([
      this.api.get<Me>(req, '/me', token),
      this.api.get<Preferences>(req, '/me/notifications', token),
    ]);
    const typed = posted.ok
      ? {
          consents: CONSENT_CHANNELS.filter((c) => posted.consents[c]),
          digest: !!posted.digest,
          language: posted.language,
        }
      : { ...posted.typed, language: null };
    this.render(req, res, me, preferences, { errors, typed }, 400);
  }

  private render(
    req: Request,
    res: Response,
    me: Me,
    preferences: Preferences,
    extra: {
      saved?: boolean;
      errors?: FormErrors;
      typed?: { consents: ConsentChannel[]; digest: boolean; language: string | null };
    },
    status = 200,
  ): void {
    const lang = langOf(req);
    const account = me.applicant ?? me.staff;
    const shown = extra.typed ?? {
      consents: CONSENT_CHANNELS.filter((c) => preferences.consents[c].given),
      digest: preferences.digest,
      language: preferences.language,
    };
    this.pages.send(
      req,
      res,
      'pages/notification-preferences',
      {
        email: account?.email ?? null,
        phone: account?.phone ?? null,
        isStaff: !!me.staff,
        consents: CONSENT_CHANNELS.map((channel) => ({
          channel,
          checked: shown.consents.includes(channel),
          // What holds, sent back with the form: only a box the person changed changes a consent.
          was: preferences.consents[channel].given,
          state: consentWords(preferences.consents[channel], lang),
        })),
        language: shown.language,
        digest: shown.digest,
        saved: extra.saved,
        errors: extra.errors,
      },
      status,
    );
  }
}

/**
 * The link at the end of each WhatsApp message and SMS: whoever holds it stops that channel, no
 * sign-in needed (its signed token says whose and which). Opening it changes nothing, since link
 * scanners and previews open links too: the page explains, and only its button (a form that posts,
 * with the CSRF token of the session the page began) withdraws the consent.
 */
@Controller('berhenti')
export class StopLinkPagesController {
  constructor(
    private readonly api: ApiClient,
    private readonly pages: PageRenderer,
  ) {}

  @Get(':token')
  show(
    @Param('token') token: string,
    @Query('selesai') done: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): void {
    const valid = stopToken(token);
    if (!valid) return this.send(req, res, { problem: 'invalid' }, 400);
    // After the button: what stopped, kept in the session for this token (refreshing posts nothing).
    const withdrawn = req.session?.consentWithdrawn;
    if (done === '1' && withdrawn?.token === valid) return this.send(req, res, { token: valid, withdrawn });
    this.send(req, res, { token: valid });
  }

  @Post(':token')
  async withdraw(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const valid = stopToken(token);
    if (!valid) return this.send(req, res, { problem: 'invalid' }, 400);
    let withdrawn: ConsentWithdrawn;
    try {
      withdrawn = await this.api.post<ConsentWithdrawn>(req, '/consents/withdraw', { token: valid });
    } catch (e) {
      // A link Berkas did not sign (400) or whose message is gone (404) is said so; the rest is an error page.
      if (!(e instanceof ApiProblem) || (e.status !== 400 && e.status !== 404)) throw e;
      return this.send(req, res, { problem: e.status === 404 ? 'unknown' : 'invalid' }, e.status);
    }
    req.session.consentWithdrawn = { token: valid, ...withdrawn };
    await sessionSaved(req);
    res.redirect(303, hrefIn(langOf(req), `/berhenti/${valid}`, { selesai: '1' }));
  }

  private send(
    req: Request,
    res: Response,
    vars: { token?: string; withdrawn?: ConsentWithdrawn; problem?: 'invalid' | 'unknown' },
    status = 200,
  ): void {
    // The link is someone's: no cache keeps the page, and search engines leave it alone.
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Robots-Tag', 'noindex');
    this.pages.send(req, res, 'pages/stop-link', { ...vars, preferencesPath: PREFERENCES_PATH }, status);
  }
}
