import { Body, Controller, Get, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { HandoffReceipt, InboxPage } from '@berkas/contracts';
import { AgencyDirectory } from '../desk/agency-directory';
import { ApiClient, ApiProblem } from '../api/api-client';
import { requireOfficer } from '../desk/officer-only';
import { hrefIn, langOf, translate, type Lang } from '../i18n/catalogue';
import { AccessToken, SignedInGuard } from '../sessions/signed-in.guard';
import { PageRenderer } from '../views/page-renderer';
import { field, FormErrors } from './form-errors';
import { formRefusal } from './input-rules';
import { passOn } from './pass-on';

const PAGE_SIZE = 25;

/** The paper dossiers' lists: on their way to my agency, sent by it and not received yet, held by it. */
const LISTS = { masuk: 'incoming', keluar: 'outgoing', dipegang: 'held' } as const;
type List = keyof typeof LISTS;

/** Lines of a handoff's physical manifest the send form offers (folders, binders, originals). */
const ITEM_ROWS = 3;

/** A tracking number as it sits in a path: letters, digits and dashes only. */
const trackingPath = (value: string): string => {
  if (!/^[0-9A-Za-z-]{5,40}$/.test(value)) throw new ApiProblem(404, 'NOT_FOUND', 'No such dossier');
  return value;
};

/**
 * Paper dossiers between agencies (handoffs) in the browser: what is on its way to my agency (each
 * received or refused on its page, as from its QR code), what we sent that is not received yet,
 * and what we hold, each sent on with a form that chooses the agency from the directory and lists
 * what goes in the folder. Sending gives the receipt and the cover sheet to print with its QR.
 */
@Controller('meja/berkas-fisik')
@UseGuards(SignedInGuard)
export class PaperDossiersController {
  constructor(
    private readonly api: ApiClient,
    private readonly pages: PageRenderer,
    private readonly directory: AgencyDirectory,
  ) {}

  @Get()
  async list(
    @Query('daftar') asked: unknown,
    @Query('setelah') after: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    requireOfficer(req);
    const list: List = asked === 'keluar' || asked === 'dipegang' ? asked : 'masuk';
    const query = new URLSearchParams({ scope: LISTS[list], limit: String(PAGE_SIZE) });
    if (typeof after === 'string' && after) query.set('after', after.slice(0, 200));
    const page = await this.api.get<InboxPage>(req, `/agency/dossiers?${query}`, token);
    this.pages.send(req, res, 'pages/paper-dossiers', {
      list,
      dossiers: page.items,
      nextCursor: page.nextCursor,
      later: typeof after === 'string' && !!after,
    });
  }

  /** The form that sends a held dossier to another agency of the region. */
  @Get(':trackingNumber/kirim')
  async sendForm(
    @Param('trackingNumber') trackingNumber: string,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    requireOfficer(req);
    await this.renderSend(req, res, token, trackingPath(trackingNumber), {});
  }

  @Post(':trackingNumber/kirim')
  async send(
    @Param('trackingNumber') number: string,
    @Body() body: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    requireOfficer(req);
    const trackingNumber = trackingPath(number);
    const lang = langOf(req);
    const typed = {
      to: field(body, 'tujuan', 36),
      note: field(body, 'catatan', 2000),
      items: Array.from({ length: ITEM_ROWS }, (_, i) => ({
        description: field(body, `isi-${i}`, 300),
        quantity: field(body, `jumlah-${i}`, 6),
      })),
    };
    const errors = this.check(typed, lang);
    if (errors.any) return this.renderSend(req, res, token, trackingNumber, { typed, errors }, 400);
    try {
      const receipt = await this.api.post<HandoffReceipt>(
        req,
        `/dossiers/${trackingNumber}/handoffs`,
        {
          toAgencyId: typed.to,
          ...(typed.note ? { note: typed.note } : {}),
          physicalItems: typed.items
            .filter((i) => i.description)
            .map((i) => ({ description: i.description, quantity: Number(i.quantity || '1') })),
        },
        token,
      );
      this.pages.send(req, res, 'pages/receipt', { receipt, sent: true });
    } catch (e) {
      const refused = formRefusal(e);
      errors.add('tujuan', refused.message);
      await this.renderSend(req, res, token, trackingNumber, { typed, errors }, refused.status);
    }
  }

  /** The cover sheet to print and clip to the folder: its QR code leads to the receiving page. */
  @Get(':trackingNumber/sampul.pdf')
  async coverSheet(
    @Param('trackingNumber') trackingNumber: string,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    requireOfficer(req);
    const path = `/dossiers/${trackingPath(trackingNumber)}/cover-sheet.pdf`;
    await passOn(await this.api.open(req, path, token), res);
  }

  private check(typed: { to: string; items: Array<{ description: string; quantity: string }> }, lang: Lang) {
    const errors = new FormErrors();
    if (!typed.to) errors.add('tujuan', translate(lang, 'paper.errors.chooseAgency'));
    typed.items.forEach((item, i) => {
      if (item.description && item.description.length < 2)
        errors.add(`isi-${i}`, translate(lang, 'paper.errors.itemTooShort'));
      if (item.quantity && !/^[1-9][0-9]{0,3}$/.test(item.quantity))
        errors.add(`jumlah-${i}`, translate(lang, 'paper.errors.quantity'));
      if (item.quantity && !item.description)
        errors.add(`isi-${i}`, translate(lang, 'paper.errors.itemMissing'));
    });
    return errors;
  }

  private async renderSend(
    req: Request,
    res: Response,
    token: string,
    trackingNumber: string,
    extra: { typed?: unknown; errors?: FormErrors },
    status = 200,
  ): Promise<void> {
    const lang = langOf(req);
    const agencies = await this.directory.addressees(req, token);
    this.pages.send(
      req,
      res,
      'pages/handoff-send',
      {
        trackingNumber,
        agencies,
        back: hrefIn(lang, '/meja/berkas-fisik', { daftar: 'dipegang' }),
        itemRows: ITEM_ROWS,
        ...extra,
      },
      status,
    );
  }
}
