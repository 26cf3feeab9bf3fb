import { Body, Controller, Get, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AREA_CODE, type TaskPage, type TeamBoard } from '@berkas/contracts';
import { ApiClient, ApiProblem } from '../api/api-client';
import { ApplicationWorkspace } from '../apply/application-workspace';
import { hrefIn, langOf, translate } from '../i18n/catalogue';
import { AccessToken, SignedInGuard } from '../sessions/signed-in.guard';
import { PageRenderer } from '../views/page-renderer';
import { AgencyDirectory } from '../desk/agency-directory';
import { SavedViews, type DeskViewQuery } from '../desk/saved-views';
import { StageDirectory } from '../desk/stage-directory';
import { PlaceDirectory } from '../apply/region-places';
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

/** A permit type's or stage's code as a saved view keeps it (the desk checks it against the catalogue). */
const code = (value: string): string | undefined => (/^[A-Za-z0-9_-]{1,60}$/.test(value) ? value : undefined);

/** A kecamatan's or kelurahan's code as a saved view keeps it (the desk checks it against the region's). */
const placeCode = (value: string): string | undefined => (AREA_CODE.test(value) ? value : undefined);

/** The due states a queue can be narrowed to, as its rows say them. */
const DUE_STATES = ['overdue', 'due-soon', 'on-time', 'waiting'] as const;
const isDueState = (value: unknown): value is (typeof DUE_STATES)[number] =>
  DUE_STATES.includes(value as (typeof DUE_STATES)[number]);

/**
 * An officer's desk: their queues due first, each row saying in words (not colour alone) where the
 * task stands against its due date in the region's working days, a page at a time; tasks are
 * claimed and released from their rows, and each opens its file's page. Each queue says how many it
 * holds; a plain GET form narrows it by permit type, stage, kecamatan/kelurahan or due state, or finds a file by number,
 * holder's name, NIK or NIB, so a narrowed queue has an address a team can share, or save by name.
 */
@Controller('meja')
@UseGuards(SignedInGuard)
export class DeskPagesController {
  constructor(
    private readonly api: ApiClient,
    private readonly workspace: ApplicationWorkspace,
    private readonly pages: PageRenderer,
    private readonly directory: AgencyDirectory,
    private readonly stageDirectory: StageDirectory,
    private readonly savedViews: SavedViews,
    private readonly places: PlaceDirectory,
  ) {}

  @Get()
  async desk(
    @Query('antrean') asked: unknown,
    @Query('setelah') after: unknown,
    @Query('jenis') permitType: unknown,
    @Query('cari') search: unknown,
    @Query('tahap') stageAsked: unknown,
    @Query('keadaan') stateAsked: unknown,
    @Query('wilayah') placeAsked: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const officer = requireOfficer(req);
    const queue: Queue = isQueue(asked) ? asked : 'saya';
    const types = await this.workspace.permitTypes(req);
    // Only a permit type the catalogue has narrows the queue; anything else shows it whole.
    const type = types.find((t) => t.code === permitType)?.code;
    // Likewise a stage the officer's seats work, and a due state the rows can show.
    const stages = await this.stageDirectory.stagesFor(req, types, officer.seats ?? []);
    const stage = stages.find((s) => s.name === stageAsked)?.name;
    const dueState = queue !== 'terlambat' && isDueState(stateAsked) ? stateAsked : undefined;
    // And a kecamatan or kelurahan of the officer's region.
    const region = req.session.person?.region;
    // The filter is a help, not the page: a list the API cannot give now leaves the desk without it.
    const places = region ? await this.places.of(req, region).catch(() => null) : null;
    const place = typeof placeAsked === 'string' && places?.has(placeAsked) ? placeAsked : undefined;
    const q = typeof search === 'string' ? search.trim().slice(0, 100) : '';
    const later = typeof after === 'string' && !!after;
    const query = new URLSearchParams({ ...QUEUES[queue], limit: String(PAGE_SIZE) });
    if (type) query.set('permitType', type);
    if (stage) query.set('stage', stage);
    if (place) query.set('area', place);
    if (dueState) query.set('dueState', dueState);
    if (q.length >= 2) query.set('q', q);
    if (later) query.set('after', after.slice(0, 200));
    else query.set('counts', 'true'); // the tabs' counts, with the first page only
    const supervisor = supervisesOwnAgency(req);
    // A supervisor's desk offers the bulk reassignment: to whom comes from their team board. Roles
    // changed since signing in leave the desk without it, not refused.
    const [page, team, addressees, views] = await Promise.all([
      this.api.get<TaskPage>(req, `/inbox?${query}`, token),
      supervisor ? this.api.get<TeamBoard>(req, '/team', token).catch(notAllowed) : null,
      this.directory.addressees(req, token),
      this.savedViews.visibleTo(officer),
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
      stage,
      dueState,
      filtered: !!(type || stage || place || dueState || q),
      views,
      view: {
        antrean: queue,
        jenis: type,
        tahap: stage,
        wilayah: place,
        keadaan: dueState,
        cari: q || undefined,
      },
      place,
      placeGroups: places?.areas.districts ?? null,
      viewProblem: ['nama', 'penuh'].find((p) => req.query['tampilan'] === p),
      stageItems: [
        { value: '', text: translate(lang, 'desk.allStages') },
        ...stages.map((s) => ({ value: s.name, text: s.label[lang], selected: s.name === stage })),
      ],
      stateItems:
        queue === 'terlambat'
          ? null
          : [
              { value: '', text: translate(lang, 'desk.allStates') },
              ...DUE_STATES.map((s) => ({
                value: s,
                text: translate(lang, `desk.stateFilter.${s}`),
                selected: s === dueState,
              })),
            ],
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
      done: ['diambil', 'dilepas', 'sandi', 'disimpan', 'dihapus'].find((d) => req.query[d] === '1'),
      conflict: req.query['bentrok'] === '1',
    });
  }

  /**
   * Saves the desk view (queue and filters) under a name, for the officer or shared with their agency;
   * the desk then lists it. Each filter is kept only as the desk would read it.
   */
  @Post('tampilan')
  async saveView(@Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const officer = requireOfficer(req);
    const asked = field(body, 'antrean', 20);
    const dueState = field(body, 'keadaan', 20);
    const view: DeskViewQuery = {
      antrean: isQueue(asked) ? asked : 'saya',
      jenis: code(field(body, 'jenis', 40)),
      tahap: code(field(body, 'tahap', 60)),
      wilayah: placeCode(field(body, 'wilayah', 20)),
      keadaan: isDueState(dueState) ? dueState : undefined,
      cari: field(body, 'cari', 100) || undefined,
    };
    const name = field(body, 'nama', 60).trim();
    const lang = langOf(req);
    const back = (extra: Record<string, string>) =>
      res.redirect(303, hrefIn(lang, '/meja', { ...view, ...extra }));
    if (!name) return back({ tampilan: 'nama' });
    const saved = await this.savedViews.save(officer, name, view, field(body, 'bagikan', 5) === 'ya');
    back(saved ? { disimpan: '1' } : { tampilan: 'penuh' });
  }

  /** Removes one of the officer's own saved views. */
  @Post('tampilan/:id/hapus')
  async removeView(@Param('id', uuidPath) id: string, @Req() req: Request, @Res() res: Response) {
    await this.savedViews.remove(requireOfficer(req), id);
    res.redirect(303, hrefIn(langOf(req), '/meja', { dihapus: '1' }));
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
