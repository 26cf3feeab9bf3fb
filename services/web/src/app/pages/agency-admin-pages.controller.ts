import { Body, Controller, Get, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Calendar, DelegationList, StaffPage } from '@berkas/contracts';
import { ApiClient, ApiProblem } from '../api/api-client';
import { administeredAgency, refusalByField } from '../admin/agency-admin';
import { hrefIn, langOf, translate } from '../i18n/catalogue';
import { AccessToken, SignedInGuard } from '../sessions/signed-in.guard';
import { PageRenderer } from '../views/page-renderer';
import { field, FormErrors } from './form-errors';
import { formRefusal, uuidPath, UUID_V4 } from './input-rules';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Midnight of a date in the region's time (WIB), as the API takes instants. */
const startOfDay = (date: string) => new Date(`${date}T00:00:00+07:00`).toISOString();
const endOfDay = (date: string) => new Date(`${date}T23:59:59+07:00`).toISOString();

/**
 * An agency admin's other pages: the agency's units (bidang/seksi), its acting officials (Plt/Plh:
 * whose position, who acts, the decree and the window; revoked early when the holder is back), and
 * the region's days off its due dates skip (a system-admin adds and removes the region's own).
 */
@Controller('kelola')
@UseGuards(SignedInGuard)
export class AgencyAdminPagesController {
  constructor(
    private readonly api: ApiClient,
    private readonly pages: PageRenderer,
  ) {}

  @Get('unit')
  async units(@AccessToken() token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const { agency } = await administeredAgency(this.api, req, token);
    this.pages.send(req, res, 'pages/admin-units', {
      agency,
      form: {},
      done: req.query['ditambahkan'] === '1',
    });
  }

  @Post('unit')
  async addUnit(
    @Body() body: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const lang = langOf(req);
    const { agency } = await administeredAgency(this.api, req, token);
    const form = { code: field(body, 'code', 40).toUpperCase(), name: field(body, 'name', 200) };
    const errors = new FormErrors();
    if (!/^[A-Z0-9][A-Z0-9-]{0,39}$/.test(form.code))
      errors.add('code', translate(lang, 'admin.check.unitCode'));
    if (form.name.length < 2) errors.add('name', translate(lang, 'admin.check.unitName'));
    const render = (status: number) =>
      this.pages.send(req, res, 'pages/admin-units', { agency, form, errors }, status);
    if (errors.any) return render(400);
    try {
      await this.api.post(req, `/admin/agencies/${agency.id}/units`, form, token);
    } catch (e) {
      const refused = formRefusal(e);
      if (!refusalByField(errors, refused, req, ['code', 'name'])) errors.add('code', refused.message);
      return render(refused.status);
    }
    res.redirect(303, hrefIn(lang, '/kelola/unit', { ditambahkan: '1' }));
  }

  @Get('plt')
  async delegations(
    @Query('semua') all: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    this.pages.send(req, res, 'pages/admin-delegations', {
      ...(await this.delegationsView(req, token, all === '1')),
      form: { kind: 'plt' },
      done: ['ditetapkan', 'dicabut'].find((d) => req.query[d] === '1'),
    });
  }

  @Post('plt')
  async delegate(
    @Body() body: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const lang = langOf(req);
    const form = {
      kind: field(body, 'kind', 3),
      holderId: field(body, 'holderId', 36),
      delegateId: field(body, 'delegateId', 36),
      startsOn: field(body, 'startsOn', 10),
      endsOn: field(body, 'endsOn', 10),
      decreeNumber: field(body, 'decreeNumber', 100),
    };
    const errors = new FormErrors();
    const say = (f: string, key: string) => errors.add(f, translate(lang, `admin.check.${key}`));
    if (form.kind !== 'plt' && form.kind !== 'plh') say('kind', 'kindMissing');
    if (!UUID_V4.test(form.holderId)) say('holderId', 'holderMissing');
    if (!UUID_V4.test(form.delegateId)) say('delegateId', 'delegateMissing');
    else if (form.delegateId === form.holderId) say('delegateId', 'delegateSame');
    if (!DATE.test(form.startsOn)) say('startsOn', 'dateShape');
    if (!DATE.test(form.endsOn)) say('endsOn', 'dateShape');
    else if (DATE.test(form.startsOn) && form.endsOn < form.startsOn) say('endsOn', 'endBeforeStart');
    if (!form.decreeNumber) say('decreeNumber', 'decreeMissing');
    const render = async (status: number) =>
      this.pages.send(
        req,
        res,
        'pages/admin-delegations',
        { ...(await this.delegationsView(req, token, false)), form, errors },
        status,
      );
    if (errors.any) return render(400);
    try {
      await this.api.post(
        req,
        '/admin/delegations',
        {
          kind: form.kind,
          holderId: form.holderId,
          delegateId: form.delegateId,
          startsAt: startOfDay(form.startsOn),
          endsAt: endOfDay(form.endsOn),
          decreeNumber: form.decreeNumber,
        },
        token,
      );
    } catch (e) {
      const refused = formRefusal(e);
      const fields = {
        '/holderId': 'holderId',
        '/delegateId': 'delegateId',
        '/endsAt': 'endsOn',
        '/startsAt': 'startsOn',
      };
      const named = refused.errors.filter((d) => d.path in fields);
      for (const d of named)
        errors.add(
          fields[d.path as keyof typeof fields],
          translate(lang, `admin.refused.${fields[d.path as keyof typeof fields]}`),
        );
      if (!named.length)
        errors.add(
          'holderId',
          refused.status === 403 ? translate(lang, 'admin.check.delegateSelf') : refused.message,
        );
      return render(refused.status);
    }
    res.redirect(303, hrefIn(lang, '/kelola/plt', { ditetapkan: '1' }));
  }

  @Post('plt/:id/cabut')
  async revoke(
    @Param('id', uuidPath) id: string,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await administeredAgency(this.api, req, token);
    await this.api.post(req, `/admin/delegations/${id}/revoke`, {}, token);
    res.redirect(303, hrefIn(langOf(req), '/kelola/plt', { dicabut: '1' }));
  }

  @Get('hari-libur')
  async holidays(
    @Query('tahun') asked: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    this.pages.send(req, res, 'pages/admin-holidays', {
      ...(await this.calendarView(req, token, asked)),
      form: {},
      done: ['ditambahkan', 'dihapus'].find((d) => req.query[d] === '1'),
    });
  }

  @Post('hari-libur')
  async addHoliday(
    @Body() body: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const lang = langOf(req);
    const form = {
      date: field(body, 'date', 10),
      nameId: field(body, 'nameId', 200),
      nameEn: field(body, 'nameEn', 200),
    };
    const errors = new FormErrors();
    if (!DATE.test(form.date)) errors.add('date', translate(lang, 'admin.check.dateShape'));
    if (form.nameId.length < 3) errors.add('nameId', translate(lang, 'admin.check.holidayName'));
    if (form.nameEn.length < 3) errors.add('nameEn', translate(lang, 'admin.check.holidayName'));
    const view = await this.calendarView(req, token, form.date.slice(0, 4));
    if (!view.systemAdmin) throw new ApiProblem(403, 'FORBIDDEN', translate(lang, 'admin.systemAdminsOnly'));
    const render = (status: number) =>
      this.pages.send(req, res, 'pages/admin-holidays', { ...view, form, errors }, status);
    if (errors.any) return render(400);
    try {
      await this.api.put(
        req,
        `/admin/calendars/${view.calendar.regionCode}/days/${form.date}`,
        { nameId: form.nameId, nameEn: form.nameEn },
        token,
      );
    } catch (e) {
      const refused = formRefusal(e);
      errors.add('date', refused.message);
      return render(refused.status);
    }
    res.redirect(303, hrefIn(lang, '/kelola/hari-libur', { tahun: form.date.slice(0, 4), ditambahkan: '1' }));
  }

  @Post('hari-libur/:date/hapus')
  async removeHoliday(
    @Param('date') date: string,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const lang = langOf(req);
    if (!DATE.test(date)) throw new ApiProblem(404, 'NOT_FOUND', translate(lang, 'admin.check.dateShape'));
    const { calendar } = await this.calendarView(req, token, date.slice(0, 4));
    await this.api.delete(req, `/admin/calendars/${calendar.regionCode}/days/${date}`, token);
    res.redirect(303, hrefIn(lang, '/kelola/hari-libur', { tahun: date.slice(0, 4), dihapus: '1' }));
  }

  private async delegationsView(req: Request, token: string, all: boolean) {
    const { agency } = await administeredAgency(this.api, req, token);
    const query = new URLSearchParams({ agencyId: agency.id, ...(all ? { includeEnded: 'true' } : {}) });
    const [list, staff] = await Promise.all([
      this.api.get<DelegationList>(req, `/admin/delegations?${query}`, token),
      this.api.get<StaffPage>(req, `/admin/staff?agencyId=${agency.id}&limit=200`, token),
    ]);
    return { agency, delegations: list.items, staff: staff.items, all, now: new Date().toISOString() };
  }

  private async calendarView(req: Request, token: string, asked: unknown) {
    const { agency, systemAdmin } = await administeredAgency(this.api, req, token);
    const thisYear = new Date().getUTCFullYear();
    const year =
      typeof asked === 'string' && /^\d{4}$/.test(asked) && Math.abs(+asked - thisYear) <= 5
        ? +asked
        : thisYear;
    const calendar = await this.api.get<Calendar>(req, `/calendars/${agency.regionCode}/${year}`, token);
    return { agency, calendar, year, systemAdmin };
  }
}
