import { Controller, Get, Param, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Application, ApplicationPage, IssuedPermit, PermitType } from '@berkas/contracts';
import { ApiClient, ApiProblem } from '../api/api-client';
import { langOf, translate } from '../i18n/catalogue';
import { ApplicationWorkspace } from '../apply/application-workspace';
import { FileMessagesReader, messageRows } from '../messages/file-messages';
import { AccessToken, SignedInGuard } from '../sessions/signed-in.guard';
import { PageRenderer } from '../views/page-renderer';
import { uuidPath } from './input-rules';
import { passOn } from './pass-on';

const PAGE_SIZE = 20;

/** What the applicant has to do about a file, by its status: the list says it in words. */
const NEXT_STEP: Record<Application['status'], string> = {
  draft: 'continue',
  returned: 'fix',
  'in-review': 'wait',
  issued: 'download',
  rejected: 'none',
  withdrawn: 'none',
};
/** A bill waiting for payment is the applicant's move, whatever else is going on. */
const nextStep = (app: Application) =>
  app.status === 'in-review' && app.fee && !app.fee.paidAt ? 'pay' : NEXT_STEP[app.status];

/**
 * The person's applications, or their company's (every member sees the company's): drafts to
 * resume, files returned for correction, files in review with who holds them and by when, and what
 * the applicant must do next; newest first, a page at a time.
 */
@Controller('permohonan')
@UseGuards(SignedInGuard)
export class MyApplicationsController {
  constructor(
    private readonly api: ApiClient,
    private readonly workspace: ApplicationWorkspace,
    private readonly pages: PageRenderer,
    private readonly messages: FileMessagesReader,
  ) {}

  @Get()
  async list(
    @Query('setelah') after: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (typeof after === 'string' && after) query.set('after', after.slice(0, 200));
    const page = await this.api.get<ApplicationPage>(req, `/applications?${query}`, token);
    const types = await this.typesOf(req, page.items);
    const rows = page.items.map((app) => ({
      app,
      type: types.get(app.permitType),
      next: nextStep(app),
    }));
    this.pages.send(req, res, 'pages/my-applications', { rows, nextCursor: page.nextCursor });
  }

  @Get(':id/status')
  async status(
    @Param('id', uuidPath) id: string,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    // What Berkas told the applicant about the file comes with it (the page goes on without it).
    const [app, messages] = await Promise.all([
      this.api.get<Application>(req, `/applications/${id}`, token),
      this.messages.forFile(req, token, id),
    ]);
    const [type, permit] = await Promise.all([
      this.workspace.permitType(req, app.permitType),
      app.status === 'issued' ? this.api.get<IssuedPermit>(req, `/applications/${id}/permit`, token) : null,
    ]);
    const forStaff = req.session.person?.kind === 'staff';
    this.pages.send(req, res, 'pages/application-status', {
      app,
      type,
      permit,
      next: nextStep(app),
      messages: messages && messageRows(messages, langOf(req), forStaff),
      forStaff,
    });
  }

  /** The bukti pendaftaran (PDF, rendered by the API), passed through as it comes. */
  @Get(':id/bukti.pdf')
  async receipt(
    @Param('id', uuidPath) id: string,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await passOn(await this.api.open(req, `/applications/${id}/receipt.pdf`, token), res);
  }

  /** The levy bill (SKRD), rendered by the API. */
  @Get(':id/skrd.pdf')
  async bill(
    @Param('id', uuidPath) id: string,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await passOn(await this.api.open(req, `/applications/${id}/bill.pdf`, token), res);
  }

  /** The issued permit's PDF, streamed from the dossier as the API checks it against its SHA-256. */
  @Get(':id/izin.pdf')
  async permit(
    @Param('id', uuidPath) id: string,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const permit = await this.api.get<IssuedPermit>(req, `/applications/${id}/permit`, token);
    if (!permit.documentId)
      throw new ApiProblem(404, 'NOT_FOUND', translate(langOf(req), 'mine.permitPending'));
    await passOn(await this.api.open(req, `/documents/${permit.documentId}/download`, token), res);
  }

  private async typesOf(req: Request, apps: Application[]): Promise<Map<string, PermitType>> {
    const codes = [...new Set(apps.map((a) => a.permitType))];
    const types = await Promise.all(codes.map((c) => this.workspace.permitType(req, c)));
    return new Map(types.map((t) => [t.code, t]));
  }
}
