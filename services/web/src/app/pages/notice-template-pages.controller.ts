import { Body, Controller, Get, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type {
  NoticeTemplateDetail,
  NoticeTemplateList,
  NoticeTemplatePreview,
  NoticeTemplateVersion,
} from '@berkas/contracts';
import { ApiClient, ApiProblem } from '../api/api-client';
import { addTemplateRefusals, TEMPLATE_FIELDS, type TemplateField } from '../admin/notice-template-refusals';
import { requireOfficer } from '../desk/officer-only';
import { hrefIn, langOf, translate } from '../i18n/catalogue';
import { AccessToken, SignedInGuard } from '../sessions/signed-in.guard';
import { PageRenderer } from '../views/page-renderer';
import { field, FormErrors } from './form-errors';
import { formRefusal } from './input-rules';

const KIND = /^[a-z][a-z0-9-]{0,39}$/;
const TEMPLATE_LANGUAGES = ['id', 'en'] as const;
type TemplateLanguage = (typeof TEMPLATE_LANGUAGES)[number];
/** The most a field takes (the API's own bounds); a longer one is cut, then refused for its length. */
const MAX: Record<TemplateField, number> = { subject: 1000, email: 10000, sms: 10000, whatsapp: 10000 };

type Wording = Record<TemplateField, string>;

/** A wording as the form posted it: line breaks as the API keeps them (a browser sends CR LF). */
const readWording = (body: unknown): Wording =>
  Object.fromEntries(
    TEMPLATE_FIELDS.map((f) => [f, field(body, f, MAX[f]).replace(/\r\n?/g, '\n')]),
  ) as Wording;

/**
 * A system-admin's pages for what Berkas says to people, as GOV.UK Notify's: every notice with the
 * version of its wording in use per language, a notice's wording edited in a form (what it may use
 * listed, with examples), each save a draft shown filled in with the examples (email, SMS, WhatsApp)
 * before anyone gets it, publishing on a page of its own that says what follows, and every version
 * kept, any of which can be previewed and published again.
 */
@Controller('kelola/templat')
@UseGuards(SignedInGuard)
export class NoticeTemplatePagesController {
  constructor(
    private readonly api: ApiClient,
    private readonly pages: PageRenderer,
  ) {}

  @Get()
  async list(@AccessToken() token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    requireSystemAdmin(req);
    const list = await this.api.get<NoticeTemplateList>(req, '/notification-templates', token);
    this.pages.send(req, res, 'pages/admin-templates', {
      groups: (['applicant', 'staff'] as const).map((audience) => ({
        audience,
        items: list.items.filter((i) => i.audience === audience),
      })),
    });
  }

  @Get(':kind/:language')
  async edit(
    @Param('kind') kind: string,
    @Param('language') language: string,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const detail = await this.detailOf(req, token, kind, language);
    const draft = draftOf(detail);
    const shown = draft ?? detail.versions.find((v) => v.inUse) ?? detail.versions[0];
    this.pages.send(req, res, 'pages/admin-template-edit', {
      ...this.editView(detail),
      form: shown ? pick(shown) : {},
      published: numberFrom(req.query['diterbitkan']),
    });
  }

  /** Saves the wording as a draft and shows it filled in; a refused one comes back with its reasons. */
  @Post(':kind/:language')
  async save(
    @Param('kind') kind: string,
    @Param('language') language: string,
    @Body() body: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const lang = langOf(req);
    const detail = await this.detailOf(req, token, kind, language);
    const form = readWording(body);
    const errors = new FormErrors();
    for (const f of TEMPLATE_FIELDS)
      if (!form[f].trim())
        errors.add(
          f,
          translate(lang, 'templates.refused.empty', {
            fieldName: translate(lang, `templates.fieldName.${f}`),
          }),
        );
    const render = (status: number) =>
      this.pages.send(
        req,
        res,
        'pages/admin-template-edit',
        { ...this.editView(detail), form, errors },
        status,
      );
    if (errors.any) return render(400);
    let saved: NoticeTemplateVersion;
    try {
      saved = await this.api.post<NoticeTemplateVersion>(
        req,
        `/notification-templates/${detail.kind}/${detail.language}/drafts`,
        form,
        token,
      );
    } catch (e) {
      const refused = formRefusal(e);
      if (!addTemplateRefusals(errors, refused.errors, lang)) errors.add('subject', refused.message);
      return render(refused.status);
    }
    res.redirect(
      303,
      hrefIn(lang, `/kelola/templat/${detail.kind}/${detail.language}/pratinjau`, {
        versi: String(saved.version),
      }),
    );
  }

  /**
   * A version filled in with the examples (pratinjau), or the page that confirms its publishing
   * (terbitkan): publishing is not undone by a click, so it is asked on a page of its own.
   */
  @Get([':kind/:language/pratinjau', ':kind/:language/terbitkan'])
  async preview(
    @Param('kind') kind: string,
    @Param('language') language: string,
    @Query('versi') version: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const view = await this.previewView(req, token, kind, language, version);
    const confirming = req.path.endsWith('/terbitkan');
    this.pages.send(
      req,
      res,
      confirming ? 'pages/admin-template-publish' : 'pages/admin-template-preview',
      view,
    );
  }

  @Post(':kind/:language/terbitkan')
  async publish(
    @Param('kind') kind: string,
    @Param('language') language: string,
    @Body() body: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const lang = langOf(req);
    const view = await this.previewView(req, token, kind, language, field(body, 'versi', 10));
    const { version } = view.preview;
    try {
      await this.api.post(req, `/notification-templates/${kind}/${language}/publish`, { version }, token);
    } catch (e) {
      const refused = formRefusal(e);
      const errors = new FormErrors();
      // A version saved under rules a release has since changed: said field by field, to fix in a new draft.
      if (!addTemplateRefusals(errors, refused.errors, lang)) errors.add('publish', refused.message);
      // Listed without links: the fields to fix are on the form, not on this page.
      const refusals = errors.list.map(({ text }) => ({ text }));
      return this.pages.send(
        req,
        res,
        'pages/admin-template-publish',
        { ...view, errors, refusals },
        refused.status,
      );
    }
    res.redirect(303, hrefIn(lang, `/kelola/templat/${kind}/${language}`, { diterbitkan: String(version) }));
  }

  private async detailOf(
    req: Request,
    token: string,
    kind: string,
    language: string,
  ): Promise<NoticeTemplateDetail> {
    requireSystemAdmin(req);
    const { kind: k, language: l } = checkedPath(req, kind, language);
    return this.api.get<NoticeTemplateDetail>(req, `/notification-templates/${k}/${l}`, token);
  }

  private editView(detail: NoticeTemplateDetail) {
    const draft = draftOf(detail);
    return {
      detail,
      draft,
      inUse: detail.versions.find((v) => v.inUse),
      other: detail.language === 'id' ? 'en' : 'id',
    };
  }

  private async previewView(req: Request, token: string, kind: string, language: string, version: unknown) {
    requireSystemAdmin(req);
    const { kind: k, language: l } = checkedPath(req, kind, language);
    const asked = numberFrom(version);
    const [detail, preview] = await Promise.all([
      this.api.get<NoticeTemplateDetail>(req, `/notification-templates/${k}/${l}`, token),
      this.api.get<NoticeTemplatePreview>(
        req,
        `/notification-templates/${k}/${l}/preview${asked ? `?version=${asked}` : ''}`,
        token,
      ),
    ]);
    return { detail, preview };
  }
}

/** The pages of the notices' wording are a system-admin's (by their own position, as the API checks too). */
function requireSystemAdmin(req: Request): void {
  requireOfficer(req);
  if (!req.session.person?.seats?.[0]?.roles.includes('system-admin'))
    throw new ApiProblem(403, 'FORBIDDEN', translate(langOf(req), 'templates.systemAdminsOnly'));
}

/** A notice and a language in a page's path, or the page is not there. */
function checkedPath(
  req: Request,
  kind: string,
  language: string,
): { kind: string; language: TemplateLanguage } {
  if (!KIND.test(kind) || !(TEMPLATE_LANGUAGES as readonly string[]).includes(language))
    throw new ApiProblem(404, 'NOT_FOUND', translate(langOf(req), 'errors.notFound'));
  return { kind, language: language as TemplateLanguage };
}

/** The newest version saved after the one in use and never published: the draft waiting to be. */
function draftOf(detail: NoticeTemplateDetail): NoticeTemplateVersion | undefined {
  const inUse = detail.versions.find((v) => v.inUse)?.version ?? 0;
  const newest = detail.versions[0];
  return newest && newest.version > inUse && !newest.published ? newest : undefined;
}

const pick = (v: NoticeTemplateVersion): Wording => ({
  subject: v.subject,
  email: v.email,
  sms: v.sms,
  whatsapp: v.whatsapp,
});

/** A version number from a query or a form, or undefined. */
function numberFrom(value: unknown): number | undefined {
  return typeof value === 'string' && /^[1-9]\d{0,6}$/.test(value) ? Number(value) : undefined;
}
