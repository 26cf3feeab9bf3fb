import { Body, Controller, Get, Param, ParseIntPipe, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { WebEnv } from '@berkas/config';
import type { Application } from '@berkas/contracts';
import { ApiClient, ApiProblem } from '../api/api-client';
import { ApplicationWorkspace, type FormWorkspace, type Workspace } from '../apply/application-workspace';
import { readAnswers, shownAnswer, typedFrom } from '../apply/form-answers';
import { questionViews } from '../apply/question-view';
import { correctionView, taskList } from '../apply/task-list';
import { hrefIn, langOf, translate } from '../i18n/catalogue';
import { AccessToken, SignedInGuard } from '../sessions/signed-in.guard';
import { PageRenderer } from '../views/page-renderer';
import { field, FormErrors } from './form-errors';
import { uuidPath } from './input-rules';

const pageNumber = new ParseIntPipe();
const base = (id: string) => `/permohonan/${id}`;
/** A change made from the check-your-answers page goes back there. */
const backOf = (source: unknown) => (field(source, 'back') === 'check' ? 'check' : undefined);

/**
 * Applying, as GOV.UK's service pattern has it: start from the permit's page, then a task list
 * (the questions, each document, check and send), question pages generated from the permit type's
 * form (short groups; errors summarised and linked; what was typed kept), a check-your-answers page
 * with change links and a declaration, and the confirmation with the tracking number. Every answer
 * is saved to the draft as it is given, so an application can be left and resumed.
 */
@Controller()
@UseGuards(SignedInGuard)
export class ApplyPagesController {
  constructor(
    private readonly api: ApiClient,
    private readonly pages: PageRenderer,
    private readonly workspace: ApplicationWorkspace,
    private readonly env: WebEnv,
  ) {}

  /** The start page: what to have ready, then the button that makes the draft. */
  @Get('izin/:code/ajukan')
  async ready(@Param('code') code: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    this.pages.send(req, res, 'pages/apply-start', { type: await this.workspace.permitType(req, code) });
  }

  @Post('izin/:code/ajukan')
  async start(
    @Param('code') code: string,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const type = await this.workspace.permitType(req, code);
    const draft = await this.api.post<Application>(
      req,
      '/applications',
      { permitType: type.code, regionCode: this.env.regionCode, form: {} },
      token,
    );
    res.redirect(303, hrefIn(langOf(req), base(draft.id)));
  }

  @Get('permohonan/:id')
  async tasks(
    @Param('id', uuidPath) id: string,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const ws = await this.workspace.load(req, token, id);
    if (!ws.editable) return res.redirect(303, hrefIn(langOf(req), `${base(id)}/status`));
    const lang = langOf(req);
    this.pages.send(req, res, 'pages/apply-tasks', {
      ws,
      tasks: taskList(ws, lang),
      correction: correctionView(ws, lang),
    });
  }

  @Get('permohonan/:id/data/:page')
  async question(
    @Param('id', uuidPath) id: string,
    @Param('page', pageNumber) page: number,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const ws = await this.editableForm(req, token, id);
    const fields = this.pageOf(ws, page);
    const lang = langOf(req);
    const typed = typedFrom(fields, ws.app.form as Record<string, unknown>, lang);
    const questions = questionViews(fields, typed, lang, ws.places);
    this.pages.send(req, res, 'pages/apply-question', { ws, page, questions, back: backOf(req.query) });
  }

  @Post('permohonan/:id/data/:page')
  async answer(
    @Param('id', uuidPath) id: string,
    @Param('page', pageNumber) page: number,
    @Body() body: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const lang = langOf(req);
    const ws = await this.editableForm(req, token, id);
    const fields = this.pageOf(ws, page);
    const { values, typed, errors } = readAnswers(fields, body, lang, ws.places);
    const render = (status: number) =>
      this.pages.send(
        req,
        res,
        'pages/apply-question',
        { ws, page, questions: questionViews(fields, typed, lang, ws.places), errors, back: backOf(body) },
        status,
      );
    if (errors.any) return render(400);
    const form = { ...(ws.app.form as Record<string, unknown>) };
    for (const [name, value] of Object.entries(values))
      if (value === undefined) delete form[name];
      else form[name] = value;
    try {
      await this.api.patch<Application>(req, `/applications/${id}`, { form }, token);
    } catch (e) {
      if (!(e instanceof ApiProblem) || e.status !== 400) throw e;
      // The API holds the permit type's own rules; a refusal names the answer (/profession).
      const known = errors.addFromApi(e.errors, (name) => {
        const f = fields.find((x) => x.name === name);
        const words = f?.type === 'area' ? 'apply.errors.area' : 'apply.errors.string';
        return f ? translate(lang, words, { label: f.label[lang] }) : undefined;
      });
      if (!known) throw e;
      return render(400);
    }
    // From the check page a change returns there; otherwise on to the next group of questions.
    const next =
      field(body, 'back') === 'check'
        ? `${base(id)}/periksa`
        : page < ws.pages.length
          ? `${base(id)}/data/${page + 1}`
          : base(id);
    res.redirect(303, hrefIn(lang, next));
  }

  /**
   * The page's answers checked as a post would check them, saving nothing: the question page's
   * script asks as each answer changes, so a mistake shows beside its field before the page is
   * sent (the same rules and words as after a post, which stays the one that counts).
   */
  @Post('permohonan/:id/data/:page/cek')
  async checkAnswers(
    @Param('id', uuidPath) id: string,
    @Param('page', pageNumber) page: number,
    @Body() body: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
  ): Promise<{ errors: Record<string, string> }> {
    const ws = await this.editableForm(req, token, id);
    const { errors } = readAnswers(this.pageOf(ws, page), body, langOf(req), ws.places);
    return { errors: Object.fromEntries(Object.entries(errors.fields).map(([name, e]) => [name, e.text])) };
  }

  @Get('permohonan/:id/periksa')
  async check(
    @Param('id', uuidPath) id: string,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const ws = await this.editable(req, token, id);
    if (!ws.ready) return res.redirect(303, hrefIn(langOf(req), base(id)));
    this.pages.send(req, res, 'pages/apply-check', { ws, answers: this.answersOf(req, ws) });
  }

  @Post('permohonan/:id/periksa')
  async submit(
    @Param('id', uuidPath) id: string,
    @Body() body: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const lang = langOf(req);
    const ws = await this.editable(req, token, id);
    if (field(body, 'declaration') !== 'yes') {
      const errors = new FormErrors().add('declaration', translate(lang, 'apply.declarationMissing'));
      return this.pages.send(
        req,
        res,
        'pages/apply-check',
        { ws, answers: this.answersOf(req, ws), errors },
        400,
      );
    }
    const action = ws.app.status === 'returned' ? 'resubmit' : 'submit';
    await this.api.post<Application>(req, `/applications/${id}/${action}`, {}, token);
    res.redirect(303, hrefIn(lang, `${base(id)}/terkirim`));
  }

  @Get('permohonan/:id/terkirim')
  async sent(
    @Param('id', uuidPath) id: string,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const app = await this.api.get<Application>(req, `/applications/${id}`, token);
    if (!app.trackingNumber) return res.redirect(303, hrefIn(langOf(req), base(id)));
    const type = await this.workspace.permitType(req, app.permitType);
    this.pages.send(req, res, 'pages/apply-sent', { app, type });
  }

  /** The application while it may still be changed; otherwise its status page answers. */
  private async editable(req: Request, token: string, id: string): Promise<Workspace> {
    return this.stillEditable(req, await this.workspace.load(req, token, id));
  }

  /** The same for a question page, which needs no documents. */
  private async editableForm(req: Request, token: string, id: string): Promise<FormWorkspace> {
    return this.stillEditable(req, await this.workspace.form(req, token, id));
  }

  private stillEditable<W extends FormWorkspace>(req: Request, ws: W): W {
    if (!ws.editable) throw new ApiProblem(409, 'NOT_EDITABLE', translate(langOf(req), 'apply.notEditable'));
    return ws;
  }

  private pageOf(ws: FormWorkspace, page: number) {
    const fields = ws.pages[page - 1];
    if (!fields) throw new ApiProblem(404, 'NOT_FOUND', 'No such page');
    return fields;
  }

  private answersOf(req: Request, ws: Workspace) {
    const lang = langOf(req);
    const form = ws.app.form as Record<string, unknown>;
    return ws.pages.flatMap((fields, i) =>
      fields.map((f) => ({ field: f, page: i + 1, shown: shownAnswer(f, form[f.name], lang, ws.places) })),
    );
  }
}
