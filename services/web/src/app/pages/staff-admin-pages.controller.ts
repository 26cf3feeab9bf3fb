import { Body, Controller, Get, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type {
  AgencyPage,
  CreateStaffRequest,
  Staff,
  StaffHistory,
  StaffPage,
  UpdateStaffRequest,
} from '@berkas/contracts';
import { ApiClient } from '../api/api-client';
import { administeredAgency, GRANTABLE_ROLES, refusalByField } from '../admin/agency-admin';
import { hrefIn, langOf, translate, type Lang } from '../i18n/catalogue';
import { AccessToken, SignedInGuard } from '../sessions/signed-in.guard';
import { PageRenderer } from '../views/page-renderer';
import { field, fieldList, FormErrors } from './form-errors';
import { EMAIL, formRefusal, PASSWORD_MIN, phoneE164, uuidPath, UUID_V4 } from './input-rules';

const STAFF_FIELDS = [
  'nip',
  'name',
  'email',
  'phone',
  'unitId',
  'position',
  'roles',
  'password',
  'agencyId',
] as const;
type StaffForm = Record<Exclude<(typeof STAFF_FIELDS)[number], 'roles'>, string> & { roles: string[] };

const readStaffForm = (body: unknown): StaffForm => ({
  nip: field(body, 'nip', 30).replace(/[\s.-]/g, ''),
  name: field(body, 'name', 200),
  email: field(body, 'email'),
  phone: field(body, 'phone', 30),
  unitId: field(body, 'unitId', 36),
  position: field(body, 'position', 200),
  roles: fieldList(body, 'roles', 10, 20).filter((r) => (GRANTABLE_ROLES as readonly string[]).includes(r)),
  password: field(body, 'password', 256, false),
  agencyId: field(body, 'agencyId', 36),
});

/**
 * An agency admin's staff pages: the agency's officers (the deactivated too, when asked), adding one
 * (NIP checked, roles, an initial password they must replace at first sign-in), and changing one:
 * position, unit, roles, a move to another agency of the region (their history keeps every
 * assignment), or deactivating them, which ends every sign-in at once.
 */
@Controller('kelola/pegawai')
@UseGuards(SignedInGuard)
export class StaffAdminPagesController {
  constructor(
    private readonly api: ApiClient,
    private readonly pages: PageRenderer,
  ) {}

  @Get()
  async list(
    @Query('nonaktif') inactive: unknown,
    @Query('setelah') after: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const { agency } = await administeredAgency(this.api, req, token);
    const query = new URLSearchParams({ agencyId: agency.id, limit: '50' });
    if (inactive === '1') query.set('includeInactive', 'true');
    if (typeof after === 'string' && after) query.set('after', after.slice(0, 300));
    const page = await this.api.get<StaffPage>(req, `/admin/staff?${query}`, token);
    this.pages.send(req, res, 'pages/admin-staff', {
      agency,
      unitNames: Object.fromEntries(agency.units.map((u) => [u.id, u.name])),
      page,
      inactive: inactive === '1',
      later: typeof after === 'string' && !!after,
      done: ['ditambahkan', 'diubah'].find((d) => req.query[d] === '1'),
    });
  }

  @Get('baru')
  async newForm(@AccessToken() token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const { agency } = await administeredAgency(this.api, req, token);
    this.pages.send(req, res, 'pages/admin-staff-new', {
      agency,
      form: { roles: [] },
      roles: GRANTABLE_ROLES,
    });
  }

  @Post('baru')
  async create(
    @Body() body: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const lang = langOf(req);
    const { agency } = await administeredAgency(this.api, req, token);
    const form = readStaffForm(body);
    const errors = checkStaff(form, lang, true);
    const render = (status: number) =>
      this.pages.send(
        req,
        res,
        'pages/admin-staff-new',
        { agency, form: { ...form, password: '' }, errors, roles: GRANTABLE_ROLES },
        status,
      );
    if (errors.any) return render(400);
    const request: CreateStaffRequest = {
      nip: form.nip,
      name: form.name,
      email: form.email,
      agencyId: agency.id,
      position: form.position,
      roles: form.roles as CreateStaffRequest['roles'],
      password: form.password,
      ...(form.phone ? { phone: phoneE164(form.phone) ?? form.phone } : {}),
      ...(UUID_V4.test(form.unitId) ? { unitId: form.unitId } : {}),
    };
    try {
      await this.api.post<Staff>(req, '/admin/staff', request, token);
    } catch (e) {
      const refused = formRefusal(e);
      if (!refusalByField(errors, refused, req, STAFF_FIELDS)) errors.add('nip', refused.message);
      return render(refused.status);
    }
    res.redirect(303, hrefIn(lang, '/kelola/pegawai', { ditambahkan: '1' }));
  }

  @Get(':id')
  async show(
    @Param('id', uuidPath) id: string,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const { agency } = await administeredAgency(this.api, req, token);
    const staff = await this.api.get<Staff>(req, `/admin/staff/${id}`, token);
    this.pages.send(
      req,
      res,
      'pages/admin-staff-edit',
      await this.editView(req, token, agency, staff, {
        name: staff.name,
        phone: staff.phone ?? '',
        unitId: staff.unitId ?? '',
        position: staff.position,
        roles: staff.roles,
        agencyId: staff.agency.id,
      }),
    );
  }

  @Post(':id')
  async update(
    @Param('id', uuidPath) id: string,
    @Body() body: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const lang = langOf(req);
    const { agency } = await administeredAgency(this.api, req, token);
    const staff = await this.api.get<Staff>(req, `/admin/staff/${id}`, token);
    const status = field(body, 'active', 10);
    const form = readStaffForm(body);
    // Activating or deactivating is a form of its own (one button), not mixed with the details.
    const change: UpdateStaffRequest =
      status === 'true' || status === 'false'
        ? { id, active: status === 'true' }
        : { id, ...this.detailsOf(form, staff) };
    const errors = 'active' in change ? new FormErrors() : checkStaff(form, lang, false);
    const render = async (code: number) =>
      this.pages.send(
        req,
        res,
        'pages/admin-staff-edit',
        await this.editView(req, token, agency, staff, form, errors),
        code,
      );
    if (errors.any) return render(400);
    try {
      await this.api.patch<Staff>(req, `/admin/staff/${id}`, { ...change, id: undefined }, token);
    } catch (e) {
      const refused = formRefusal(e);
      if (!refusalByField(errors, refused, req, STAFF_FIELDS)) errors.add('position', refused.message);
      return render(refused.status);
    }
    res.redirect(303, hrefIn(lang, '/kelola/pegawai', { diubah: '1' }));
  }

  /** Only what changed goes to the API: a new agency, unit, position or roles opens a new assignment. */
  private detailsOf(form: StaffForm, staff: Staff): Omit<UpdateStaffRequest, 'id'> {
    const unitId = UUID_V4.test(form.unitId) ? form.unitId : null;
    const phone = form.phone ? (phoneE164(form.phone) ?? form.phone) : null;
    const sameRoles =
      [...form.roles].sort().join() ===
      [...staff.roles]
        .filter((r) => r !== 'system-admin')
        .sort()
        .join();
    return {
      ...(form.name !== staff.name ? { name: form.name } : {}),
      ...(phone !== staff.phone ? { phone } : {}),
      ...(unitId !== staff.unitId ? { unitId } : {}),
      ...(form.position !== staff.position ? { position: form.position } : {}),
      ...(!sameRoles
        ? { roles: [...form.roles, ...staff.roles.filter((r) => r === 'system-admin')] as Staff['roles'] }
        : {}),
      ...(UUID_V4.test(form.agencyId) && form.agencyId !== staff.agency.id
        ? { agencyId: form.agencyId }
        : {}),
    };
  }

  private async editView(
    req: Request,
    token: string,
    agency: { id: string; regionCode: string; units: unknown[] },
    staff: Staff,
    form: Partial<StaffForm>,
    errors?: FormErrors,
  ) {
    const [history, agencies] = await Promise.all([
      this.api.get<StaffHistory>(req, `/admin/staff/${staff.id}/history`, token),
      this.api.get<AgencyPage>(req, `/agencies?regionCode=${agency.regionCode}&limit=200`, token),
    ]);
    return { agency, staff, form, errors, history, agencies: agencies.items, roles: GRANTABLE_ROLES };
  }
}

function checkStaff(form: StaffForm, lang: Lang, isNew: boolean): FormErrors {
  const errors = new FormErrors();
  const say = (f: string, key: string) => errors.add(f, translate(lang, `admin.check.${key}`));
  if (isNew && !/^[0-9]{18}$/.test(form.nip)) say('nip', form.nip ? 'nipShape' : 'nipMissing');
  if (form.name.length < 2) say('name', 'nameMissing');
  if (isNew && !EMAIL.test(form.email)) say('email', form.email ? 'emailShape' : 'emailMissing');
  if (form.phone && !phoneE164(form.phone)) say('phone', 'phoneShape');
  if (form.position.length < 2) say('position', 'positionMissing');
  if (!form.roles.length) say('roles', 'rolesMissing');
  if (isNew && form.password.length < PASSWORD_MIN) say('password', 'passwordShort');
  return errors;
}
