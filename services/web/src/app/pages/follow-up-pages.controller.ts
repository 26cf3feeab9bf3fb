import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { EscalatedTaskPage, ReturnedFilePage } from '@berkas/contracts';
import { ApiClient, ApiProblem } from '../api/api-client';
import { ApplicationWorkspace } from '../apply/application-workspace';
import { requireOfficer } from '../desk/officer-only';
import { langOf, translate } from '../i18n/catalogue';
import { AccessToken, SignedInGuard } from '../sessions/signed-in.guard';
import { PageRenderer } from '../views/page-renderer';

const PAGE_SIZE = 25;

/** The `setelah` of a list's next page, as its link carries it (the API checks the cursor itself). */
const cursorOf = (after: unknown): string | undefined =>
  typeof after === 'string' && after ? after.slice(0, 300) : undefined;

/**
 * What an office follows up beyond its queues: the files it returned to their applicants, still
 * waiting on them (oldest first: whom to call), and, for a supervisor, the tasks that ran late and
 * were escalated to them, still waiting or closed by the stage's own timeout (fiktif positif).
 */
@Controller('meja')
@UseGuards(SignedInGuard)
export class FollowUpPagesController {
  constructor(
    private readonly api: ApiClient,
    private readonly workspace: ApplicationWorkspace,
    private readonly pages: PageRenderer,
  ) {}

  @Get('dikembalikan')
  async returned(
    @Query('setelah') after: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    requireOfficer(req);
    const page = await this.api.get<ReturnedFilePage>(req, this.listPath('/returned', after), token);
    this.pages.send(req, res, 'pages/returned-files', {
      page,
      later: !!cursorOf(after),
      typeNames: await this.typeNames(req),
    });
  }

  @Get('eskalasi')
  async escalations(
    @Query('setelah') after: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    requireOfficer(req);
    const page = await this.api
      .get<EscalatedTaskPage>(req, this.listPath('/escalations', after), token)
      .catch((e: unknown) => {
        if (e instanceof ApiProblem && e.status === 403)
          throw new ApiProblem(403, 'FORBIDDEN', translate(langOf(req), 'team.supervisorsOnly'));
        throw e;
      });
    this.pages.send(req, res, 'pages/escalations', {
      page,
      later: !!cursorOf(after),
      typeNames: await this.typeNames(req),
    });
  }

  private listPath(path: string, after: unknown): string {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    const cursor = cursorOf(after);
    if (cursor) query.set('after', cursor);
    return `${path}?${query}`;
  }

  private async typeNames(req: Request): Promise<Record<string, string>> {
    const lang = langOf(req);
    return Object.fromEntries((await this.workspace.permitTypes(req)).map((t) => [t.code, t.name[lang]]));
  }
}
