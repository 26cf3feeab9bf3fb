import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Me } from '@berkas/contracts';
import { ApiClient } from '../api/api-client';
import { AccessToken, SignedInGuard } from '../sessions/signed-in.guard';
import { PageRenderer } from '../views/page-renderer';

/** The signed-in person's own account, as identity knows it. */
@Controller('akun')
@UseGuards(SignedInGuard)
export class AccountPagesController {
  constructor(
    private readonly api: ApiClient,
    private readonly pages: PageRenderer,
  ) {}

  @Get()
  async show(
    @Query('sandi') passwordChanged: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const me = await this.api.get<Me>(req, '/me', token);
    this.pages.send(req, res, 'pages/account', {
      details: detailsOf(me),
      company: me.applicant?.company ?? null,
      passwordChanged: passwordChanged === '1',
    });
  }
}

/** The rows of the account page: a label (account.<label> in the catalogue) and its value. */
function detailsOf(me: Me): Array<{ label: string; value: string | null }> {
  const a = me.applicant;
  const s = me.staff;
  const rows: Array<{ label: string; value: string | null }> = [];
  if (a) {
    rows.push({ label: 'name', value: a.name });
    if (a.company)
      rows.push({ label: 'company', value: a.company.name }, { label: 'nib', value: a.company.nib });
    else rows.push({ label: 'nik', value: a.nik });
    rows.push({ label: 'email', value: a.email }, { label: 'phone', value: a.phone });
  }
  if (s) {
    rows.push(
      { label: 'name', value: s.name },
      { label: 'nip', value: s.nip },
      { label: 'agency', value: s.agency.name },
      { label: 'email', value: s.email },
      { label: 'phone', value: s.phone },
    );
  }
  return rows;
}
