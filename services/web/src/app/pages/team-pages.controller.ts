import { Controller, Get, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { TeamBoard } from '@berkas/contracts';
import { ApiClient, ApiProblem } from '../api/api-client';
import { requireOfficer, supervisesOwnAgency } from '../desk/officer-only';
import { langOf, translate } from '../i18n/catalogue';
import { AccessToken, SignedInGuard } from '../sessions/signed-in.guard';
import { PageRenderer } from '../views/page-renderer';

/**
 * A supervisor's team board: each officer of the agency with their open tasks, how many are due
 * soon and overdue, most overdue first, and the queue nobody has claimed; tasks are given to
 * someone else (with the reason) from their file's page.
 */
@Controller('meja/tim')
@UseGuards(SignedInGuard)
export class TeamPagesController {
  constructor(
    private readonly api: ApiClient,
    private readonly pages: PageRenderer,
  ) {}

  @Get()
  async board(@AccessToken() token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    requireOfficer(req);
    if (!supervisesOwnAgency(req))
      throw new ApiProblem(403, 'FORBIDDEN', translate(langOf(req), 'team.supervisorsOnly'));
    const board = await this.api.get<TeamBoard>(req, '/team', token);
    this.pages.send(req, res, 'pages/team', { board });
  }
}
