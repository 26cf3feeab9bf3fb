import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import busboy from 'busboy';
import contentDisposition from 'content-disposition';
import type { Request } from 'express';
import type { DocumentView } from '@berkas/contracts';
import { RequestContext } from '@berkas/observability';
import { ApiClient, ApiProblem } from '../api/api-client';
import { CSRF_FIELD } from '../sessions/csrf';

/** What the API said of one file sent. */
export type SentFile =
  | { fileName: string; ok: true; document: DocumentView }
  | { fileName: string; ok: false; status: number; code: string; message: string };

export interface ForwardedUpload {
  /** False when the form's CSRF token was missing, late (after a file) or not the session's. */
  csrfOk: boolean;
  files: SentFile[];
  /** The current document the form's file was to replace, if it named one. */
  replaces?: string;
  /** More files were chosen than one form takes (MAX_FILES); those past it were not sent. */
  overLimit: boolean;
}

/** The most files one form sends: the most any requirement takes (RequiredDocument.maxFiles). */
export const MAX_FILES = 20;

/** A multipart header value that cannot break out of its quotes. */
const quoted = (name: string) => name.replace(/["\\\r\n]/g, '_').replace(/[^\x20-\x7e]/g, '_');

/**
 * The file part's disposition, its name as written (an apostrophe, an en dash, a name in Javanese
 * script) encoded as RFC 6266 says, which the API's parser reads back exactly.
 */
const fileDisposition = (fileName: string) =>
  contentDisposition(fileName, { type: 'form-data' }).replace(/^form-data/, 'form-data; name="file"');

/**
 * Moves the files of an upload form from the browser to the API as they arrive, never holding a
 * whole file: each file part of the browser's multipart body becomes, while it streams in, the file
 * part of the API's own upload request (the `kind` field first, and `replaces` when the form names
 * the file it replaces), and the API's answer for it is kept. The form's CSRF field must come before
 * its files (it is the form's first input), since a file is sent on as soon as it starts.
 */
@Injectable()
export class DocumentForwarder {
  constructor(private readonly api: ApiClient) {}

  forward(
    req: Request,
    target: { applicationId: string; kind: string; token: string },
    expectedCsrf: string | undefined,
  ): Promise<ForwardedUpload> {
    const context = RequestContext.current();
    return new Promise<ForwardedUpload>((resolve, reject) => {
      let parser: busboy.Busboy;
      try {
        // Browsers send a file's name as raw UTF-8 (the HTML standard), not Latin-1 as busboy assumes.
        parser = busboy({
          headers: req.headers,
          defParamCharset: 'utf8',
          limits: { files: MAX_FILES, fields: 5, fieldSize: 200 },
        });
      } catch (e) {
        return reject(e);
      }
      let csrf: string | undefined;
      let replaces: string | undefined;
      let csrfOk = true;
      let overLimit = false;
      const sent: Array<Promise<SentFile>> = [];
      parser.on('filesLimit', () => (overLimit = true));
      parser.on('field', (name, value) => {
        if (name === CSRF_FIELD) csrf = value;
        if (name === 'replaces' && value) replaces = value;
      });
      parser.on('file', (_name, file, info) => {
        if (!expectedCsrf || csrf !== expectedCsrf) {
          csrfOk = false;
          file.resume();
          return;
        }
        const fileName = info.filename;
        if (!fileName) return void file.resume(); // the file input was left empty
        const send = () => this.send(req, { ...target, replaces }, fileName, info.mimeType, file);
        // One file after the other, each registered before the next starts: the dossier lists them
        // in the order they were chosen (the next file waits in the socket meanwhile).
        const previous = sent.at(-1) ?? Promise.resolve();
        sent.push(previous.then(() => (context ? RequestContext.run(context, send) : send())));
      });
      parser.on('error', reject);
      parser.on('close', () => {
        Promise.all(sent).then(
          (files) => resolve({ csrfOk: csrfOk && csrf === expectedCsrf, files, replaces, overLimit }),
          reject,
        );
      });
      req.pipe(parser);
    });
  }

  private async send(
    req: Request,
    target: { applicationId: string; kind: string; token: string; replaces?: string },
    fileName: string,
    mediaType: string,
    file: Readable,
  ): Promise<SentFile> {
    const boundary = `berkas-${randomUUID()}`;
    const field = (name: string, value: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${quoted(value)}\r\n`;
    const head = Buffer.from(
      field('kind', target.kind) +
        (target.replaces ? field('replaces', target.replaces) : '') +
        `--${boundary}\r\nContent-Disposition: ${fileDisposition(fileName)}\r\n` +
        `Content-Type: ${quoted(mediaType)}\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    async function* body(): AsyncIterable<Uint8Array> {
      yield head;
      yield* file;
      yield tail;
    }
    try {
      const document = await this.api.stream<DocumentView>(
        req,
        `/applications/${encodeURIComponent(target.applicationId)}/documents`,
        target.token,
        body(),
        `multipart/form-data; boundary=${boundary}`,
      );
      return { fileName, ok: true, document };
    } catch (e) {
      if (e instanceof ApiProblem)
        return { fileName, ok: false, status: e.status, code: e.code, message: e.message };
      return { fileName, ok: false, status: 503, code: 'SERVICE_UNAVAILABLE', message: String(e) };
    } finally {
      if (!file.readableEnded) file.resume(); // the rest of a refused file has to pass for the next to be read
    }
  }
}
