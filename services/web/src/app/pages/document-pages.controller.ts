import { Controller, Get, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApplicationWorkspace, type Workspace } from '../apply/application-workspace';
import { DocumentForwarder, MAX_FILES, refusalOf } from '../apply/document-forwarder';
import { ApiClient, ApiProblem } from '../api/api-client';
import { hrefIn, langOf, translate } from '../i18n/catalogue';
import { csrf, CsrfRefused, StreamedForm } from '../sessions/csrf';
import { AccessToken, SignedInGuard } from '../sessions/signed-in.guard';
import { PageRenderer } from '../views/page-renderer';
import { FormErrors } from './form-errors';
import { uuidPath } from './input-rules';

/** A count from the query string (the banner after an upload), or nothing. */
const countIn = (value: unknown) =>
  typeof value === 'string' && /^[1-9]\d?$/.test(value) ? Number(value) : 0;

/**
 * A document the permit type asks for, on a page of its own: the files that meet it now (each can be
 * replaced by a new version or removed) and a plain file input that works without scripts, taking
 * several files at once where the requirement does. The bytes go on to the API as they arrive
 * (DocumentForwarder), never held whole here; what the API refuses (too large, the wrong kind of
 * file, empty, one too many) is said per file.
 */
@Controller('permohonan/:id/dokumen')
@UseGuards(SignedInGuard)
export class DocumentPagesController {
  constructor(
    private readonly workspace: ApplicationWorkspace,
    private readonly forwarder: DocumentForwarder,
    private readonly api: ApiClient,
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
    const entry = this.entryOf(req, ws, kind);
    this.pages.send(req, res, 'pages/apply-document', {
      ws,
      entry,
      // A file to replace, named by the "Ganti" link; one replaced or removed meanwhile is not offered.
      replacing: entry.files.find((f) => f.id === req.query.ganti),
      uploaded: countIn(req.query.diunggah),
      removed: req.query.dihapus === '1',
    });
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
    const { maxFiles } = this.entryOf(req, await this.workspace.load(req, token, id), kind);
    const { csrfOk, files, replaces, overLimit } = await this.forwarder.forward(
      req,
      { applicationId: id, kind, token },
      csrf.getTokenFromState(req) ?? undefined,
    );
    if (!csrfOk) throw new CsrfRefused();
    const errors = new FormErrors();
    for (const file of files) if (!file.ok) errors.add('file', refusalOf(file, lang));
    if (!files.length) errors.add('file', translate(lang, 'apply.upload.missing'));
    if (overLimit) errors.add('file', translate(lang, 'apply.upload.overLimit', { max: MAX_FILES }));
    if (errors.any) {
      const again = await this.workspace.load(req, token, id);
      const entry = this.entryOf(req, again, kind);
      // A refused replacement is offered again as a replacement, never turned into an added file.
      const replacing = entry.files.find((f) => f.id === replaces);
      return this.pages.send(req, res, 'pages/apply-document', { ws: again, entry, replacing, errors }, 400);
    }
    // A set of files is seen again with what was added (to add more, or go on); a single file is done.
    const sent = files.length;
    res.redirect(
      303,
      maxFiles > 1
        ? hrefIn(lang, `/permohonan/${id}/dokumen/${kind}`, { diunggah: String(sent) })
        : hrefIn(lang, `/permohonan/${id}`),
    );
  }

  /** Removes one file from the requirement (it stays in the dossier's history as withdrawn). */
  @Post(':kind/:documentId/hapus')
  async remove(
    @Param('id', uuidPath) id: string,
    @Param('kind') kind: string,
    @Param('documentId', uuidPath) documentId: string,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const lang = langOf(req);
    this.entryOf(req, await this.workspace.load(req, token, id), kind);
    try {
      await this.api.delete(req, `/applications/${id}/documents/${documentId}`, token);
    } catch (e) {
      // Already gone (a second click, another tab): what the person wanted is so.
      if (!(e instanceof ApiProblem && e.code === 'DOCUMENT_REPLACED')) throw e;
    }
    res.redirect(303, hrefIn(lang, `/permohonan/${id}/dokumen/${kind}`, { dihapus: '1' }));
  }

  private entryOf(req: Request, ws: Workspace, kind: string) {
    if (!ws.editable) throw new ApiProblem(409, 'NOT_EDITABLE', translate(langOf(req), 'apply.notEditable'));
    const entry = ws.requirements.find((r) => r.requirement.kind === kind);
    if (!entry) throw new ApiProblem(404, 'NOT_FOUND', translate(langOf(req), 'errors.notFound'));
    return entry;
  }
}
