import { Body, Controller, Get, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { CompanyMember, CompanyMembers, Me, RegistrationStarted } from '@berkas/contracts';
import { ApiClient, ApiProblem } from '../api/api-client';
import { hrefIn, langOf, translate } from '../i18n/catalogue';
import { AccessToken, SignedInGuard } from '../sessions/signed-in.guard';
import { PageRenderer } from '../views/page-renderer';
import { field, FormErrors } from './form-errors';
import { EMAIL, uuidPath, formRefusal, phoneE164 } from './input-rules';

/**
 * A company's members, for each of them: who acts for the company, since when, and who left. Its
 * admin member invites colleagues (they accept with the code sent, at /undangan) and removes those
 * who leave, after a confirmation page; a removed member's sign-ins end at once.
 */
@Controller('akun/anggota')
@UseGuards(SignedInGuard)
export class CompanyPagesController {
  constructor(
    private readonly api: ApiClient,
    private readonly pages: PageRenderer,
  ) {}

  @Get()
  async list(
    @Query() query: Record<string, unknown>,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.render(req, res, token, {
      invited: typeof query['diundang'] === 'string' ? query['diundang'].slice(0, 300) : undefined,
      removed: typeof query['dihapus'] === 'string' ? query['dihapus'].slice(0, 300) : undefined,
    });
  }

  @Post()
  async invite(
    @Body() body: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const lang = langOf(req);
    const form = { name: field(body, 'name', 200), email: field(body, 'email'), phone: field(body, 'phone') };
    const errors = new FormErrors();
    if (form.name.length < 2) errors.add('name', translate(lang, 'members.nameMissing'));
    if (!form.email && !form.phone) errors.add('email', translate(lang, 'register.contactMissing'));
    if (form.email && !EMAIL.test(form.email)) errors.add('email', translate(lang, 'register.emailShape'));
    const phone = form.phone ? phoneE164(form.phone) : null;
    if (form.phone && !phone) errors.add('phone', translate(lang, 'register.phoneShape'));
    if (errors.any) return this.render(req, res, token, { form, errors }, 400);
    let started: RegistrationStarted;
    try {
      started = await this.api.post<RegistrationStarted>(
        req,
        '/company/members',
        {
          name: form.name,
          ...(form.email ? { email: form.email } : {}),
          ...(phone ? { phone } : {}),
        },
        token,
      );
    } catch (e) {
      const refused = formRefusal(e);
      if (
        !errors.addFromApi(refused.errors, (f) =>
          f in form ? translate(lang, `register.refused.${f}`) : undefined,
        )
      )
        errors.add('name', refused.message);
      return this.render(req, res, token, { form, errors }, refused.status);
    }
    res.redirect(303, hrefIn(lang, '/akun/anggota', { diundang: started.sentTo }));
  }

  @Get(':id/hapus')
  async confirmRemoval(
    @Param('id', uuidPath) id: string,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const member = await this.memberOf(req, token, id);
    this.pages.send(req, res, 'pages/member-remove', { member });
  }

  @Post(':id/hapus')
  async remove(
    @Param('id', uuidPath) id: string,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const removed = await this.api.delete<CompanyMember>(req, `/company/members/${id}`, token);
    res.redirect(303, hrefIn(langOf(req), '/akun/anggota', { dihapus: removed.name }));
  }

  private async memberOf(req: Request, token: string, id: string): Promise<CompanyMember> {
    const { members } = await this.api.get<CompanyMembers>(req, '/company/members', token);
    const member = members.find((m) => m.id === id && !m.removedAt);
    if (!member) throw new ApiProblem(404, 'NOT_FOUND', translate(langOf(req), 'errors.notFound'));
    return member;
  }

  private async render(
    req: Request,
    res: Response,
    token: string,
    vars: Record<string, unknown>,
    status = 200,
  ): Promise<void> {
    const [me, company] = await Promise.all([
      this.api.get<Me>(req, '/me', token),
      this.api.get<CompanyMembers>(req, '/company/members', token),
    ]);
    const isAdmin = !!me.applicant?.companyAdmin;
    this.pages.send(req, res, 'pages/members', { company, isAdmin, myId: me.principal.id, ...vars }, status);
  }
}
