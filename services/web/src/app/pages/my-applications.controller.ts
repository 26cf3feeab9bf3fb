import { Controller, Get, Param, ParseUUIDPipe, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Application, ApplicationPage, PermitType } from '@berkas/contracts';
import { ApiClient } from '../api/api-client';
import { ApplicationWorkspace } from '../apply/application-workspace';
import { AccessToken, SignedInGuard } from '../sessions/signed-in.guard';
import { PageRenderer } from '../views/page-renderer';

const uuid = new ParseUUIDPipe({ version: '4' });
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
      next: NEXT_STEP[app.status],
    }));
    this.pages.send(req, res, 'pages/my-applications', { rows, nextCursor: page.nextCursor });
  }

  @Get(':id/status')
  async status(
    @Param('id', uuid) id: string,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const app = await this.api.get<Application>(req, `/applications/${id}`, token);
    const type = await this.workspace.permitType(req, app.permitType);
    this.pages.send(req, res, 'pages/application-status', { app, type, next: NEXT_STEP[app.status] });
  }

  /** The bukti pendaftaran (PDF, rendered by the API), passed through as it comes. */
  @Get(':id/bukti.pdf')
  async receipt(
    @Param('id', uuid) id: string,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const pdf = await this.api.open(req, `/applications/${id}/receipt.pdf`, token);
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', pdf.headers.get('content-disposition') ?? 'inline');
    res.setHeader('Cache-Control', 'private, no-store');
    res.end(Buffer.from(await pdf.arrayBuffer()));
  }

  private async typesOf(req: Request, apps: Application[]): Promise<Map<string, PermitType>> {
    const codes = [...new Set(apps.map((a) => a.permitType))];
    const types = await Promise.all(codes.map((c) => this.workspace.permitType(req, c)));
    return new Map(types.map((t) => [t.code, t]));
  }
}
