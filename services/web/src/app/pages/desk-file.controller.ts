import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiClient, ApiProblem } from '../api/api-client';
import { DocumentForwarder, refusalOf, type SentFile } from '../apply/document-forwarder';
import { csrf, CsrfRefused, StreamedForm } from '../sessions/csrf';
import type { Actor } from '@berkas/contracts';
import { shownAnswer } from '../apply/form-answers';
import { actorWords, historyRows } from '../desk/file-history';
import { OfficerFiles, type ActionOption, type OfficerFile, type TaskOnFile } from '../desk/officer-file';
import { requireOfficer, TASK_CONFLICTS } from '../desk/officer-only';
import { hrefIn, langOf, translate, type Lang } from '../i18n/catalogue';
import { FileMessagesReader, messageRows, type FileMessage } from '../messages/file-messages';
import { AccessToken, SignedInGuard } from '../sessions/signed-in.guard';
import { PageRenderer } from '../views/page-renderer';
import { field, fieldList, FormErrors } from './form-errors';
import { formRefusal, uuidPath, UUID_V4 } from './input-rules';
import { passOn } from './pass-on';

/** What the officer typed into a task's form, shown again beside its errors. */
interface Typed {
  taskId: string;
  action: string;
  /** The reason picked for the chosen action, from its list. */
  reason: string;
  note: string;
  fields: string[];
  documents: string[];
  /** Files already uploaded for this action, carried by the page while the form is put right. */
  attachments: Array<{ id: string; name: string }>;
}

/** The most files one action takes (ActOnTaskRequest.attachments). */
const MAX_ATTACHMENTS = 10;

/** The task form as posted: each value as the page would read it, the fix list held to the type's. */
function typedFrom(posted: unknown, taskId: string, file: OfficerFile): Typed {
  const action = field(posted, 'tindakan', 60);
  return {
    taskId,
    action,
    // Each action with a list has its own group (all are on the page without JavaScript).
    reason: field(posted, `alasan-${action}`, 40),
    note: field(posted, 'catatan', 4000),
    fields: fieldList(posted, 'perbaiki').filter((f) => file.type.form.some((q) => q.name === f)),
    documents: fieldList(posted, 'unggah-ulang').filter((k) =>
      file.type.requiredDocuments.some((d) => d.kind === k),
    ),
    // Each carried as "id:name" (the name only to show it again; the API checks the id).
    attachments: fieldList(posted, 'lampiran-terunggah', MAX_ATTACHMENTS, 300)
      .map((v) => ({ id: v.slice(0, v.indexOf(':')), name: v.slice(v.indexOf(':') + 1) }))
      .filter((a) => UUID_V4.test(a.id)),
  };
}

/** Where a guard that does not hold yet is put right: the section of the page the reader goes to. */
const GUARD_SECTIONS: Record<string, string> = {
  requiredDocuments: 'dokumen',
  formValid: 'isian',
  feePaid: 'tagihan',
};

/** What the page confirms after a form it sent succeeded (`selesai`). */
const DONE = ['tindakan', 'pembayaran', 'diambil', 'dilepas', 'dialihkan'];

/** A payment was recorded already, or the levy's stage is over: someone else acted first. */
const PAYMENT_CONFLICTS = ['ALREADY_PAID', 'FEE_STAGE_NOT_OPEN'];

/**
 * A file's page for the officers who work it: the form's answers, the documents with their versions
 * and who uploaded them, the history with who acted in which capacity, the paper dossier's journey,
 * the bill, and each open task with the actions its stage allows. Returning the file to the applicant
 * names what they must fix. A form posted after someone else acted says so in words.
 */
@Controller('meja')
@UseGuards(SignedInGuard)
export class DeskFileController {
  constructor(
    private readonly api: ApiClient,
    private readonly files: OfficerFiles,
    private readonly pages: PageRenderer,
    private readonly forwarder: DocumentForwarder,
    private readonly messages: FileMessagesReader,
  ) {}

  @Get('berkas/:id')
  async show(
    @Param('id', uuidPath) id: string,
    @Query('bentrok') conflict: unknown,
    @Query('selesai') done: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    requireOfficer(req);
    // What Berkas told people about the file comes with it (the page goes on without it).
    const [file, messages] = await Promise.all([
      this.files.load(req, token, id),
      this.messages.forFile(req, token, id),
    ]);
    const notice = conflict === '1' ? 'conflict' : DONE.find((d) => d === done);
    await this.render(req, res, token, file, { notice, messages });
  }

  /**
   * Takes one of the stage's actions on a task of the file, with the note, the fix list and any
   * attachments. The form is multipart (it may carry files) and read as it streams: its fields come
   * first, so a file is sent on to the task only when they make a valid action, and files uploaded
   * by an earlier try the API refused are carried by the page (hidden fields), not sent again.
   */
  @Post('berkas/:id/tugas/:taskId')
  @StreamedForm()
  async act(
    @Param('id', uuidPath) id: string,
    @Param('taskId', uuidPath) taskId: string,
    @Body() body: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    requireOfficer(req);
    const lang = langOf(req);
    const file = await this.files.load(req, token, id);
    const task = file.tasks.find((t) => t.ref.id === taskId);
    // The task closed while the form was open: someone acted first.
    if (!task) {
      req.resume();
      return this.conflict(res, lang, id);
    }
    const decided = (posted: unknown) => {
      const typed = typedFrom(posted, taskId, file);
      const action = task.actions.find((a) => a.name === typed.action);
      return { typed, action, errors: this.check(task, action, typed, lang) };
    };
    let posted = body;
    let sent: SentFile[] = [];
    let overLimit = false;
    let truncated = false;
    if (req.is('multipart/form-data')) {
      // A file goes on only while the fields before it make a valid action, and only as many as
      // one action takes with those the page already carries.
      let started = 0;
      const form = await this.forwarder
        .read(
          req,
          csrf.getTokenFromState(req) ?? undefined,
          { files: MAX_ATTACHMENTS, fields: 200 },
          (fields, attachment) => {
            const { typed, errors } = decided(fields);
            if (errors.any) return null;
            if (started + typed.attachments.length >= MAX_ATTACHMENTS) {
              overLimit = true;
              return null;
            }
            started++;
            const path = `/tasks/${encodeURIComponent(taskId)}/attachments`;
            return this.forwarder.send(req, path, {}, token, attachment);
          },
        )
        .catch((e: unknown) => {
          // A body that is no readable form (no boundary, cut off on the way) is the sender's to fix.
          throw new BadRequestException(`The form could not be read: ${String(e)}`);
        });
      if (!form.csrfOk) throw new CsrfRefused();
      posted = form.fields;
      sent = form.files;
      overLimit ||= form.overLimit;
      truncated = form.truncated;
    }
    // The task was claimed or closed while the files travelled: someone acted first.
    if (sent.some((f) => !f.ok && TASK_CONFLICTS.includes(f.code))) return this.conflict(res, lang, id);
    const { typed, action, errors } = decided(posted);
    if (truncated) errors.add(`catatan-${taskId}`, translate(lang, 'file.errors.tooLong'));
    for (const f of sent)
      if (f.ok) typed.attachments.push({ id: f.document.id, name: f.document.fileName });
      else errors.add(`lampiran-${taskId}`, refusalOf(f, lang));
    if (overLimit || typed.attachments.length > MAX_ATTACHMENTS)
      errors.add(
        `lampiran-${taskId}`,
        translate(lang, 'file.errors.tooManyAttachments', { max: MAX_ATTACHMENTS }),
      );
    if (!action || errors.any) return this.render(req, res, token, file, { typed, errors }, 400);
    try {
      await this.api.post(
        req,
        `/tasks/${taskId}/actions`,
        {
          action: action.name,
          ...(typed.note ? { note: typed.note } : {}),
          ...(action.reasons.length ? { reason: typed.reason } : {}),
          ...(action.toApplicant ? { fix: { fields: typed.fields, documents: typed.documents } } : {}),
          ...(typed.attachments.length ? { attachments: typed.attachments.map((a) => a.id) } : {}),
        },
        token,
      );
    } catch (e) {
      const refused = formRefusal(e);
      if (TASK_CONFLICTS.includes(refused.code)) return this.conflict(res, lang, id);
      this.refusal(errors, refused, typed, lang);
      return this.render(req, res, token, file, { typed, errors }, refused.status);
    }
    res.redirect(303, hrefIn(lang, `/meja/berkas/${id}`, { selesai: 'tindakan' }));
  }

  /** A supervisor gives the task to another officer with its role, saying why (the history keeps it). */
  @Post('berkas/:id/tugas/:taskId/alihkan')
  async reassign(
    @Param('id', uuidPath) id: string,
    @Param('taskId', uuidPath) taskId: string,
    @Body() body: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    requireOfficer(req);
    const lang = langOf(req);
    const file = await this.files.load(req, token, id);
    const task = file.tasks.find((t) => t.ref.id === taskId);
    if (!task) return this.conflict(res, lang, id);
    const typed = { taskId, to: field(body, 'kepada', 36), reason: field(body, 'alasan', 500) };
    const errors = new FormErrors();
    if (!task.reassignTo?.some((m) => m.staffId === typed.to))
      errors.add(`kepada-${taskId}`, translate(lang, 'file.errors.chooseOfficer'));
    if (typed.reason.length < 3)
      errors.add(`alasan-${taskId}`, translate(lang, 'file.errors.reassignReason'));
    if (!errors.any) {
      try {
        await this.api.post(
          req,
          `/tasks/${taskId}/reassign`,
          { staffId: typed.to, reason: typed.reason },
          token,
        );
        return res.redirect(303, hrefIn(lang, `/meja/berkas/${id}`, { selesai: 'dialihkan' }));
      } catch (e) {
        const refused = formRefusal(e);
        if (TASK_CONFLICTS.includes(refused.code)) return this.conflict(res, lang, id);
        errors.add(`kepada-${taskId}`, refused.message);
      }
    }
    await this.render(req, res, token, file, { reassigning: typed, errors }, 400);
  }

  /** Records the levy's payment (the bank's reference) at the stage that billed it. */
  @Post('berkas/:id/pembayaran')
  async pay(
    @Param('id', uuidPath) id: string,
    @Body() body: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    requireOfficer(req);
    const lang = langOf(req);
    const reference = field(body, 'referensi', 100);
    const errors = new FormErrors();
    if (reference.length < 3) errors.add('referensi', translate(lang, 'file.errors.reference'));
    else {
      try {
        await this.api.post(req, `/applications/${id}/payments`, { reference }, token);
        return res.redirect(303, hrefIn(lang, `/meja/berkas/${id}`, { selesai: 'pembayaran' }));
      } catch (e) {
        const refused = formRefusal(e);
        if (PAYMENT_CONFLICTS.includes(refused.code)) return this.conflict(res, lang, id);
        errors.add('referensi', refused.message);
      }
    }
    const file = await this.files.load(req, token, id);
    await this.render(req, res, token, file, { errors, reference }, 400);
  }

  /** A document of the dossier, streamed from storage as the API checks it against its SHA-256. */
  @Get('dokumen/:documentId')
  async download(
    @Param('documentId', uuidPath) documentId: string,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    requireOfficer(req);
    await passOn(await this.api.open(req, `/documents/${documentId}/download`, token), res);
  }

  /**
   * What the form lacks before the API is asked: an action, one of its listed reasons, and the note
   * its stage requires.
   */
  private check(task: TaskOnFile, action: ActionOption | undefined, typed: Typed, lang: Lang): FormErrors {
    const errors = new FormErrors();
    if (!action) errors.add(`tindakan-${task.ref.id}`, translate(lang, 'file.errors.chooseAction'));
    else {
      if (action.reasons.length && !action.reasons.some((r) => r.code === typed.reason))
        errors.add(
          `alasan-${task.ref.id}-${action.name}`,
          translate(lang, 'file.errors.reasonNeeded', { action: action.label[lang] }),
        );
      if (action.needsNote && !typed.note)
        errors.add(
          `catatan-${task.ref.id}`,
          translate(lang, 'file.errors.noteNeeded', { action: action.label[lang] }),
        );
    }
    return errors;
  }

  /** The API's refusal in words: each guard that does not hold yet, pointing at what to put right. */
  private refusal(errors: FormErrors, e: ApiProblem, { taskId, action }: Typed, lang: Lang): void {
    for (const detail of e.errors) {
      const guard = /^\/guards\/(\w+)$/.exec(detail.path)?.[1];
      // A reason the API refuses (the page checked it against the same list) is asked for again.
      if (detail.path === '/reason')
        errors.add(`alasan-${taskId}-${action}`, translate(lang, 'file.errors.reasonNeeded', { action }));
      else if (guard === 'noteGiven')
        errors.add(`catatan-${taskId}`, translate(lang, 'file.guard.noteGiven'));
      else if (guard)
        errors.add(GUARD_SECTIONS[guard] ?? `tindakan-${taskId}`, translate(lang, `file.guard.${guard}`));
    }
    if (!errors.any) errors.add(`tindakan-${taskId}`, e.message);
  }

  private conflict(res: Response, lang: Lang, id: string): void {
    res.redirect(303, hrefIn(lang, `/meja/berkas/${id}`, { bentrok: '1' }));
  }

  /**
   * The file's page; what Berkas told people about it is read here unless the caller read it
   * already (beside the file), and left out when the notifications service does not answer.
   */
  private async render(
    req: Request,
    res: Response,
    token: string,
    file: OfficerFile,
    extra: {
      notice?: string | null;
      typed?: Typed;
      errors?: FormErrors;
      reference?: string;
      reassigning?: { taskId: string; to: string; reason: string };
      messages?: FileMessage[] | null;
    },
    status = 200,
  ): Promise<void> {
    const lang = langOf(req);
    const messages =
      extra.messages === undefined ? await this.messages.forFile(req, token, file.app.id) : extra.messages;
    const { form, requiredDocuments } = file.type;
    const fieldLabel = (name: string) => form.find((f) => f.name === name)?.label[lang] ?? name;
    const documentLabel = (kind: string) =>
      requiredDocuments.find((d) => d.kind === kind)?.label[lang] ?? translate(lang, `file.kind.${kind}`);
    this.pages.send(
      req,
      res,
      'pages/desk-file',
      {
        ...file,
        answers: file.answers.map((a) => ({ ...a, shown: shownAnswer(a.field, a.value, lang, file.places) })),
        history: historyRows(file.history, file.definition, lang),
        documentLabel,
        // A correction's fix list in words: the questions' and documents' labels.
        askedOf: (c: { fields: string[]; documents: string[] }) => [
          ...c.fields.map(fieldLabel),
          ...c.documents.map(documentLabel),
        ],
        actor: (a: Actor) => actorWords(a, lang),
        // The fix list's choices: every question and every document the permit type asks for.
        answerItems: (answers: OfficerFile['answers'], checked: string[]) =>
          answers.map((a) => ({
            value: a.field.name,
            text: a.field.label[lang],
            checked: checked.includes(a.field.name),
          })),
        documentItems: (docs: typeof requiredDocuments, checked: string[]) =>
          docs.map((d) => ({ value: d.kind, text: d.label[lang], checked: checked.includes(d.kind) })),
        ...extra,
        messages: messages && messageRows(messages, lang, true),
        forStaff: true,
      },
      status,
    );
  }
}
