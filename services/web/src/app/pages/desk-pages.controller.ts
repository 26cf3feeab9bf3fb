import { Controller, Get, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { TaskPage } from '@berkas/contracts';
import { ApiClient, ApiProblem } from '../api/api-client';
import { ApplicationWorkspace } from '../apply/application-workspace';
import { hrefIn, langOf, translate } from '../i18n/catalogue';
import { AccessToken, SignedInGuard } from '../sessions/signed-in.guard';
import { PageRenderer } from '../views/page-renderer';
import { uuidPath } from './input-rules';

const PAGE_SIZE = 25;

/** What a claim or release that lost to someone else's act is told as (the desk's `bentrok`). */
const CONFLICTS = ['TASK_TAKEN', 'TASK_CLOSED', 'NOT_CLAIMED_BY_YOU'];

/** The desk's queues: the tasks the officer claimed, and those open to their agency and roles. */
const QUEUES = { saya: 'mine', instansi: 'agency' } as const;
type Queue = keyof typeof QUEUES;

/**
 * An officer's desk: their queues due first, each row saying in words (not colour alone) where the
 * task stands against its due date in the region's working days, a page at a time; tasks are
 * claimed and released from their rows. First slice of the officers' workspace (issue 17): the
 * file's page and acting on a task come next.
 */
@Controller('meja')
@UseGuards(SignedInGuard)
export class DeskPagesController {
  constructor(
    private readonly api: ApiClient,
    private readonly workspace: ApplicationWorkspace,
    private readonly pages: PageRenderer,
  ) {}

  @Get()
  async desk(
    @Query('antrean') asked: unknown,
    @Query('setelah') after: unknown,
    @Query('jenis') permitType: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    this.officerOnly(req);
    const queue: Queue = asked === 'instansi' ? 'instansi' : 'saya';
    const types = await this.workspace.permitTypes(req);
    // Only a permit type the catalogue has narrows the queue; anything else shows it whole.
    const type = types.find((t) => t.code === permitType)?.code;
    const query = new URLSearchParams({ scope: QUEUES[queue], limit: String(PAGE_SIZE) });
    if (type) query.set('permitType', type);
    if (typeof after === 'string' && after) query.set('after', after.slice(0, 200));
    const page = await this.api.get<TaskPage>(req, `/inbox?${query}`, token);
    const lang = langOf(req);
    this.pages.send(req, res, 'pages/desk', {
      queue,
      type,
      typeNames: Object.fromEntries(types.map((t) => [t.code, t.name[lang]])),
      typeItems: [
        { value: '', text: translate(lang, 'desk.allTypes') },
        ...types.map((t) => ({ value: t.code, text: t.name[lang], selected: t.code === type })),
      ],
      tasks: page.items,
      nextCursor: page.nextCursor,
      later: typeof after === 'string' && !!after,
      done: ['diambil', 'dilepas'].find((d) => req.query[d] === '1'),
      conflict: req.query['bentrok'] === '1',
    });
  }

  /** Takes a task from the agency's queue; it moves to "my tasks". */
  @Post('tugas/:id/ambil')
  claim(
    @Param('id', uuidPath) id: string,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    return this.move(req, res, token, id, 'claim', { ok: ['saya', 'diambil'], lost: 'instansi' });
  }

  /** Gives a claimed task back to the agency's queue. */
  @Post('tugas/:id/lepas')
  release(
    @Param('id', uuidPath) id: string,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    return this.move(req, res, token, id, 'release', { ok: ['instansi', 'dilepas'], lost: 'saya' });
  }

  /**
   * Claims or releases, then shows the queue it lands in. When someone acted first (claimed it, or
   * finished the stage) the desk says so in words instead of an error page.
   */
  private async move(
    req: Request,
    res: Response,
    token: string,
    id: string,
    verb: 'claim' | 'release',
    to: { ok: [Queue, string]; lost: Queue },
  ): Promise<void> {
    this.officerOnly(req);
    const lang = langOf(req);
    try {
      await this.api.post(req, `/tasks/${id}/${verb}`, {}, token);
    } catch (e) {
      if (!(e instanceof ApiProblem && CONFLICTS.includes(e.code))) throw e;
      return res.redirect(303, hrefIn(lang, '/meja', { antrean: to.lost, bentrok: '1' }));
    }
    res.redirect(303, hrefIn(lang, '/meja', { antrean: to.ok[0], [to.ok[1]]: '1' }));
  }

  private officerOnly(req: Request): void {
    if (req.session.person?.kind !== 'staff')
      throw new ApiProblem(403, 'FORBIDDEN', translate(langOf(req), 'desk.officersOnly'));
  }
}
