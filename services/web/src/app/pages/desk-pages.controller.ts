import { Body, Controller, Get, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { TaskPage, TeamBoard } from '@berkas/contracts';
import { ApiClient, ApiProblem } from '../api/api-client';
import { ApplicationWorkspace } from '../apply/application-workspace';
import { hrefIn, langOf, translate } from '../i18n/catalogue';
import { AccessToken, SignedInGuard } from '../sessions/signed-in.guard';
import { PageRenderer } from '../views/page-renderer';
import { AgencyDirectory } from '../desk/agency-directory';
import { seatFor } from '../desk/officer-file';
import { requireOfficer, supervisesOwnAgency, TASK_CONFLICTS } from '../desk/officer-only';
import { field } from './form-errors';
import { UUID_V4, uuidPath } from './input-rules';

const PAGE_SIZE = 25;

/** A 403 from the API, as "not for this person": anything else goes on to the error page. */
const notAllowed = (e: unknown): null => {
  if (e instanceof ApiProblem && e.status === 403) return null;
  throw e;
};

/** The file a claim or release was posted from (its page sends it), to return there. */
const fileOf = (body: unknown): string | null => {
  const id = field(body, 'berkas', 36);
  return UUID_V4.test(id) ? id : null;
};

/** The desk's queues: the tasks the officer claimed, those open to their agency and roles, and the late ones. */
const QUEUES = {
  saya: { scope: 'mine' },
  instansi: { scope: 'agency' },
  terlambat: { scope: 'agency', overdue: 'true' },
} as const;
type Queue = keyof typeof QUEUES;
const isQueue = (value: unknown): value is Queue => typeof value === 'string' && value in QUEUES;

/**
 * An officer's desk: their queues due first, each row saying in words (not colour alone) where the
 * task stands against its due date in the region's working days, a page at a time; tasks are
 * claimed and released from their rows, and each opens its file's page. Each queue says how many it
 * holds; a plain GET form narrows it by permit type or finds a file by number or holder's name, so a
 * narrowed queue has an address a team can share.
 */
@Controller('meja')
@UseGuards(SignedInGuard)
export class DeskPagesController {
  constructor(
    private readonly api: ApiClient,
    private readonly workspace: ApplicationWorkspace,
    private readonly pages: PageRenderer,
    private readonly directory: AgencyDirectory,
  ) {}

  @Get()
  async desk(
    @Query('antrean') asked: unknown,
    @Query('setelah') after: unknown,
    @Query('jenis') permitType: unknown,
    @Query('cari') search: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    requireOfficer(req);
    const queue: Queue = isQueue(asked) ? asked : 'saya';
    const types = await this.workspace.permitTypes(req);
    // Only a permit type the catalogue has narrows the queue; anything else shows it whole.
    const type = types.find((t) => t.code === permitType)?.code;
    const q = typeof search === 'string' ? search.trim().slice(0, 100) : '';
    const later = typeof after === 'string' && !!after;
    const query = new URLSearchParams({ ...QUEUES[queue], limit: String(PAGE_SIZE) });
    if (type) query.set('permitType', type);
    if (q.length >= 2) query.set('q', q);
    if (later) query.set('after', after.slice(0, 200));
    else query.set('counts', 'true'); // the tabs' counts, with the first page only
    const supervisor = supervisesOwnAgency(req);
    // A supervisor's desk offers the bulk reassignment: to whom comes from their team board. Roles
    // changed since signing in leave the desk without it, not refused.
    const [page, team, addressees] = await Promise.all([
      this.api.get<TaskPage>(req, `/inbox?${query}`, token),
      supervisor ? this.api.get<TeamBoard>(req, '/team', token).catch(notAllowed) : null,
      this.directory.addressees(req, token),
    ]);
    const lang = langOf(req);
    this.pages.send(req, res, 'pages/desk', {
      queue,
      type,
      q,
      counts: page.counts,
      supervisor,
      addressees,
      frontOffice: req.session.person?.seats?.some((s) => s.roles.includes('front-office')),
      agencyAdmin: ['agency-admin', 'system-admin'].some((r) =>
        req.session.person?.seats?.[0]?.roles.includes(r),
      ),
      team,
      typeNames: Object.fromEntries(types.map((t) => [t.code, t.name[lang]])),
      typeItems: [
        { value: '', text: translate(lang, 'desk.allTypes') },
        ...types.map((t) => ({ value: t.code, text: t.name[lang], selected: t.code === type })),
      ],
      // A task taken up in an acting seat (Plt/Plh) says for whom, as its actions will record.
      tasks: page.items.map((t) => ({
        ...t,
        acting: seatFor(req.session.person, t.agencyCode, t.role)?.acting,
      })),
      nextCursor: page.nextCursor,
      later,
      done: ['diambil', 'dilepas', 'sandi'].find((d) => req.query[d] === '1'),
      conflict: req.query['bentrok'] === '1',
    });
  }

  /** Takes a task from the agency's queue; it moves to "my tasks". */
  @Post('tugas/:id/ambil')
  claim(
    @Param('id', uuidPath) id: string,
    @Body() body: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    return this.move(req, res, token, id, fileOf(body), 'claim', {
      ok: ['saya', 'diambil'],
      lost: 'instansi',
    });
  }

  /** Gives a claimed task back to the agency's queue. */
  @Post('tugas/:id/lepas')
  release(
    @Param('id', uuidPath) id: string,
    @Body() body: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    return this.move(req, res, token, id, fileOf(body), 'release', {
      ok: ['instansi', 'dilepas'],
      lost: 'saya',
    });
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
    file: string | null,
    verb: 'claim' | 'release',
    to: { ok: [Queue, string]; lost: Queue },
  ): Promise<void> {
    requireOfficer(req);
    const lang = langOf(req);
    try {
      await this.api.post(req, `/tasks/${id}/${verb}`, {}, token);
    } catch (e) {
      if (!(e instanceof ApiProblem && TASK_CONFLICTS.includes(e.code))) throw e;
      if (file) return res.redirect(303, hrefIn(lang, `/meja/berkas/${file}`, { bentrok: '1' }));
      return res.redirect(303, hrefIn(lang, '/meja', { antrean: to.lost, bentrok: '1' }));
    }
    if (file) return res.redirect(303, hrefIn(lang, `/meja/berkas/${file}`, { selesai: to.ok[1] }));
    res.redirect(303, hrefIn(lang, '/meja', { antrean: to.ok[0], [to.ok[1]]: '1' }));
  }
}
