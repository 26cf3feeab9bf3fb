import { Controller, Get, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApplicationWorkspace, type Workspace } from '../apply/application-workspace';
import { DocumentForwarder, type SentFile } from '../apply/document-forwarder';
import { ApiProblem } from '../api/api-client';
import { hrefIn, langOf, translate, type Lang } from '../i18n/catalogue';
import { csrf, CsrfRefused, StreamedForm } from '../sessions/csrf';
import { AccessToken, SignedInGuard } from '../sessions/signed-in.guard';
import { PageRenderer } from '../views/page-renderer';
import { FormErrors } from './form-errors';
import { uuidPath } from './input-rules';

/** What to tell the person about a file the API refused, in their language. */
function refusalOf(file: Extract<SentFile, { ok: false }>, lang: Lang): string {
  const key =
    file.code === 'DOCUMENT_TOO_LARGE'
      ? 'tooLarge'
      : file.code === 'UNSUPPORTED_DOCUMENT_TYPE'
        ? 'wrongType'
        : file.code === 'DOCUMENT_EMPTY'
          ? 'empty'
          : 'refused';
  return translate(lang, `apply.upload.${key}`, { file: file.fileName, reason: file.message });
}

/**
 * A document the permit type asks for, uploaded on a page of its own: a plain file input that works
 * without scripts. The bytes go on to the API as they arrive (DocumentForwarder), never held whole
 * here; what the API refuses (too large, the wrong kind of file, empty) is said per file.
 */
@Controller('permohonan/:id/dokumen')
@UseGuards(SignedInGuard)
export class DocumentPagesController {
  constructor(
    private readonly workspace: ApplicationWorkspace,
    private readonly forwarder: DocumentForwarder,
    private readonly pages: PageRenderer,
  ) {}

  @Get(':kind')
  async show(
    @Param('id', uuidPath) id: string,
    @Param('kind') kind: string,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const ws = await this.workspace.load(req, token, id);
    this.pages.send(req, res, 'pages/apply-document', { ws, entry: this.entryOf(req, ws, kind) });
  }

  @Post(':kind')
  @StreamedForm()
  async upload(
    @Param('id', uuidPath) id: string,
    @Param('kind') kind: string,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const lang = langOf(req);
    // Checked before a byte is read: the application takes documents, and this one is asked for.
    this.entryOf(req, await this.workspace.load(req, token, id), kind);
    const { csrfOk, files } = await this.forwarder.forward(
      req,
      { applicationId: id, kind, token },
      csrf.getTokenFromState(req) ?? undefined,
    );
    if (!csrfOk) throw new CsrfRefused();
    const errors = new FormErrors();
    for (const file of files) if (!file.ok) errors.add('file', refusalOf(file, lang));
    if (!files.length) errors.add('file', translate(lang, 'apply.upload.missing'));
    if (errors.any) {
      const again = await this.workspace.load(req, token, id);
      return this.pages.send(
        req,
        res,
        'pages/apply-document',
        { ws: again, entry: this.entryOf(req, again, kind), errors },
        400,
      );
    }
    res.redirect(303, hrefIn(lang, `/permohonan/${id}`));
  }

  private entryOf(req: Request, ws: Workspace, kind: string) {
    if (!ws.editable) throw new ApiProblem(409, 'NOT_EDITABLE', translate(langOf(req), 'apply.notEditable'));
    const entry = ws.requirements.find((r) => r.requirement.kind === kind);
    if (!entry) throw new ApiProblem(404, 'NOT_FOUND', translate(langOf(req), 'errors.notFound'));
    return entry;
  }
}
