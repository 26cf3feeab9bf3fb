import { Body, Controller, Get, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Dossier, HandoffReceipt, PublicView } from '@berkas/contracts';
import { ApiClient, ApiProblem } from '../api/api-client';
import { langOf, translate } from '../i18n/catalogue';
import { PersonSession } from '../sessions/person-session';
import { AccessToken, SignedInGuard } from '../sessions/signed-in.guard';
import { PageRenderer } from '../views/page-renderer';
import { field } from './form-errors';

/**
 * Where a paper dossier's QR code leads. Anyone sees where the file is; the officer of the agency it
 * was sent to, signed in (once, in this browser's session), receives or refuses it here and gets the
 * receipt.
 */
@Controller('berkas')
export class DossierPageController {
  constructor(
    private readonly api: ApiClient,
    private readonly pages: PageRenderer,
    private readonly session: PersonSession,
  ) {}

  @Get(':trackingNumber')
  async show(@Param('trackingNumber') trackingNumber: string, @Req() req: Request, @Res() res: Response) {
    await this.render(req, res, trackingNumber);
  }

  @Post(':trackingNumber')
  @UseGuards(SignedInGuard)
  async receive(
    @Param('trackingNumber') trackingNumber: string,
    @Body() form: unknown,
    @AccessToken() accessToken: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    try {
      const dossier = await this.api.get<Dossier>(
        req,
        `/dossiers/${encodeURIComponent(trackingNumber)}`,
        accessToken,
      );
      if (!dossier.inTransit)
        return this.render(req, res, trackingNumber, translate(langOf(req), 'scan.notInTransit'), 409);
      const handoff = encodeURIComponent(dossier.inTransit.handoffId);
      const receipt =
        field(form, 'action') === 'refuse'
          ? await this.api.post<HandoffReceipt>(
              req,
              `/handoffs/${handoff}/refuse`,
              { reason: field(form, 'reason', 2000) },
              accessToken,
            )
          : await this.api.post<HandoffReceipt>(req, `/handoffs/${handoff}/receive`, {}, accessToken);
      this.pages.send(req, res, 'pages/receipt', { receipt });
    } catch (e) {
      // The API's refusal in its words (not addressed to your agency, a reason missing).
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
      {
        trackingNumber,
        view,
        problem,
        showReceiveForm: !view || view.status === 'in-transit',
        signedIn: Boolean(await this.session.accessToken(req)),
      },
      status,
    );
  }
}
