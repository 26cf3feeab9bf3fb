import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Dossier, HandoffReceipt, PublicView, TokenPair } from '@berkas/contracts';
import { ApiClient, ApiProblem } from '../api/api-client';
import { langOf, translate } from '../i18n/catalogue';
import { PageRenderer } from '../views/page-renderer';

interface ReceiveForm {
  username?: unknown;
  password?: unknown;
  action?: unknown;
  reason?: unknown;
}

const text = (value: unknown, max: number) => (typeof value === 'string' ? value.slice(0, max) : '');

/**
 * Where a paper dossier's QR code leads. Anyone sees where the file is; the officer of the agency it
 * was sent to signs in on the same page and receives (or refuses) it, and gets the receipt. The
 * sign-in is used for this one receipt only: the page keeps no session of it.
 */
@Controller('berkas')
export class DossierPageController {
  constructor(
    private readonly api: ApiClient,
    private readonly pages: PageRenderer,
  ) {}

  @Get(':trackingNumber')
  async show(@Param('trackingNumber') trackingNumber: string, @Req() req: Request, @Res() res: Response) {
    await this.render(req, res, trackingNumber);
  }

  @Post(':trackingNumber')
  async receive(
    @Param('trackingNumber') trackingNumber: string,
    @Body() form: ReceiveForm,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const username = text(form.username, 254).trim();
    const password = text(form.password, 256);
    if (!username || !password)
      return this.render(req, res, trackingNumber, translate(langOf(req), 'scan.credentialsMissing'), 400);
    try {
      const { accessToken } = await this.api.post<TokenPair>(req, '/auth/login', { username, password });
      const dossier = await this.api.get<Dossier>(
        req,
        `/dossiers/${encodeURIComponent(trackingNumber)}`,
        accessToken,
      );
      if (!dossier.inTransit)
        return this.render(req, res, trackingNumber, translate(langOf(req), 'scan.notInTransit'), 409);
      const handoff = encodeURIComponent(dossier.inTransit.handoffId);
      const receipt =
        form.action === 'refuse'
          ? await this.api.post<HandoffReceipt>(
              req,
              `/handoffs/${handoff}/refuse`,
              { reason: text(form.reason, 2000).trim() },
              accessToken,
            )
          : await this.api.post<HandoffReceipt>(req, `/handoffs/${handoff}/receive`, {}, accessToken);
      this.pages.send(req, res, 'pages/receipt', { receipt });
    } catch (e) {
      // The API's refusal in its words (a wrong password, sign-in paused, not addressed to you).
      if (!(e instanceof ApiProblem) || e.status >= 500) throw e;
      if (e.retryAfterSeconds) res.setHeader('Retry-After', String(e.retryAfterSeconds));
      await this.render(req, res, trackingNumber, e.message, e.status);
    }
  }

  private async render(req: Request, res: Response, trackingNumber: string, problem?: string, status = 200) {
    let view: PublicView | undefined;
    try {
      view = await this.api.get<PublicView>(req, `/track/${encodeURIComponent(trackingNumber)}`);
    } catch (e) {
      if (!(e instanceof ApiProblem) || e.status >= 500 || e.status === 429) throw e;
      // Unknown and confidential numbers look alike: the officer it was sent to signs in to see it.
      problem ??= e.status === 404 ? undefined : e.message;
      status = status === 200 ? e.status : status;
    }
    this.pages.send(
      req,
      res,
      'pages/dossier',
      { trackingNumber, view, problem, showReceiveForm: !view || view.status === 'in-transit' },
      status,
    );
  }
}
