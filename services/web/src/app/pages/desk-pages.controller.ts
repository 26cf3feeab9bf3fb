import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { TaskPage } from '@berkas/contracts';
import { ApiClient, ApiProblem } from '../api/api-client';
import { langOf, translate } from '../i18n/catalogue';
import { AccessToken, SignedInGuard } from '../sessions/signed-in.guard';
import { PageRenderer } from '../views/page-renderer';

const PAGE_SIZE = 25;

/** The desk's queues: the tasks the officer claimed, and those open to their agency and roles. */
const QUEUES = { saya: 'mine', instansi: 'agency' } as const;
type Queue = keyof typeof QUEUES;

/**
 * An officer's desk: their queues due first, each row saying in words (not colour alone) where the
 * task stands against its due date in the region's working days, a page at a time. First slice of
 * the officers' workspace (issue 17): the file's page, claiming and acting come next.
 */
@Controller('meja')
@UseGuards(SignedInGuard)
export class DeskPagesController {
  constructor(
    private readonly api: ApiClient,
    private readonly pages: PageRenderer,
  ) {}

  @Get()
  async desk(
    @Query('antrean') asked: unknown,
    @Query('setelah') after: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    if (req.session.person?.kind !== 'staff')
      throw new ApiProblem(403, 'FORBIDDEN', translate(langOf(req), 'desk.officersOnly'));
    const queue: Queue = asked === 'instansi' ? 'instansi' : 'saya';
    const query = new URLSearchParams({ scope: QUEUES[queue], limit: String(PAGE_SIZE) });
    if (typeof after === 'string' && after) query.set('after', after.slice(0, 200));
    const page = await this.api.get<TaskPage>(req, `/inbox?${query}`, token);
    this.pages.send(req, res, 'pages/desk', {
      queue,
      tasks: page.items,
      nextCursor: page.nextCursor,
      later: typeof after === 'string' && !!after,
    });
  }
}
