import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import busboy from 'busboy';
import contentDisposition from 'content-disposition';
import type { Request } from 'express';
import type { DocumentView } from '@berkas/contracts';
import { RequestContext } from '@berkas/observability';
import { ApiClient, ApiProblem } from '../api/api-client';
import { translate, type Lang } from '../i18n/catalogue';
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

/** A multipart form read as it streams: its fields (a repeated name gives a list), and what each file became. */
export interface StreamedForm<T> {
  /** False when the form's CSRF token was missing, late (after a file) or not the session's. */
  csrfOk: boolean;
  fields: Record<string, string | string[]>;
  files: T[];
  /** More files were chosen than the form takes; those past it were not read. */
  overLimit: boolean;
  /** A field was longer than a form may send (FIELD_BYTES): the form is not what was typed. */
  truncated: boolean;
}

/** The most bytes one field of a streamed form carries: a 4,000-character note in any script. */
const FIELD_BYTES = 16 * 1024;

/**
 * What becomes of one file of a form, given the fields that came before it: a promise of what was
 * done with it, or null to let it pass unread (the form is refused for what its fields say).
 */
export type FileHandler<T> = (
  fields: Record<string, string | string[]>,
  file: { fileName: string; mediaType: string; stream: Readable },
) => Promise<T> | null;

/** What the API said of one file sent. */
const problemOf = (fileName: string, e: unknown): SentFile =>
  e instanceof ApiProblem
    ? { fileName, ok: false, status: e.status, code: e.code, message: e.message }
    : { fileName, ok: false, status: 503, code: 'SERVICE_UNAVAILABLE', message: String(e) };

/** What to tell the person about a file the API refused, in their language. */
const REFUSALS: Record<string, string> = {
  DOCUMENT_TOO_LARGE: 'tooLarge',
  UNSUPPORTED_DOCUMENT_TYPE: 'wrongType',
  DOCUMENT_EMPTY: 'empty',
  TOO_MANY_FILES: 'tooMany',
  DOCUMENT_REPLACED: 'replacedAlready',
};

export function refusalOf(file: Extract<SentFile, { ok: false }>, lang: Lang): string {
  const key = REFUSALS[file.code] ?? 'refused';
  return translate(lang, `apply.upload.${key}`, { file: file.fileName, reason: file.message });
}

/**
 * Moves the files of an upload form from the browser to the API as they arrive, never holding a
 * whole file: each file part of the browser's multipart body becomes, while it streams in, the file
 * part of the API's own upload request, and the API's answer for it is kept. The form's CSRF field
 * must come before its files (it is the form's first input), since a file is sent on as soon as it
 * starts; so must every field that decides where the file goes.
 */
@Injectable()
export class DocumentForwarder {
  constructor(private readonly api: ApiClient) {}

  /** A requirement's files into the application's dossier (the `kind` first, `replaces` if named). */
  async forward(
    req: Request,
    target: { applicationId: string; kind: string; token: string },
    expectedCsrf: string | undefined,
  ): Promise<ForwardedUpload> {
    const form = await this.read(req, expectedCsrf, { files: MAX_FILES, fields: 5 }, (fields, file) => {
      const replaces = typeof fields['replaces'] === 'string' ? fields['replaces'] : undefined;
      return this.send(
        req,
        `/applications/${encodeURIComponent(target.applicationId)}/documents`,
        { kind: target.kind, ...(replaces ? { replaces } : {}) },
        target.token,
        file,
      );
    });
    const replaces = form.fields['replaces'];
    return {
      csrfOk: form.csrfOk,
      files: form.files,
      replaces: typeof replaces === 'string' && replaces ? replaces : undefined,
      overLimit: form.overLimit,
    };
  }

  /**
   * Reads a multipart form as it streams: fields are kept, and each file is handed to `onFile` with
   * the fields before it, one file after the other (each done before the next starts, so a dossier
   * lists them in the order they were chosen; the next file waits in the socket meanwhile).
   */
  read<T>(
    req: Request,
    expectedCsrf: string | undefined,
    limits: { files: number; fields: number },
    onFile: FileHandler<T>,
  ): Promise<StreamedForm<T>> {
    const context = RequestContext.current();
    return new Promise<StreamedForm<T>>((resolve, reject) => {
      let parser: busboy.Busboy;
      try {
        // Browsers send a file's name as raw UTF-8 (the HTML standard), not Latin-1 as busboy assumes.
        parser = busboy({
          headers: req.headers,
          defParamCharset: 'utf8',
          limits: { ...limits, fieldSize: FIELD_BYTES },
        });
      } catch (e) {
        return reject(e);
      }
      const fields: Record<string, string | string[]> = {};
      let csrfOk = true;
      let overLimit = false;
      let truncated = false;
      const handled: Array<Promise<T | null>> = [];
      parser.on('filesLimit', () => (overLimit = true));
      parser.on('field', (name, value, info) => {
        if (info.valueTruncated || info.nameTruncated) truncated = true;
        const before = fields[name];
        fields[name] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value];
      });
      parser.on('file', (_name, stream, info) => {
        if (!expectedCsrf || fields[CSRF_FIELD] !== expectedCsrf) {
          csrfOk = false;
          stream.resume();
          return;
        }
        const fileName = info.filename;
        if (!fileName) return void stream.resume(); // the file input was left empty
        const seen = { ...fields };
        const handle = async () => {
          const done = onFile(seen, { fileName, mediaType: info.mimeType, stream });
          if (!done) stream.resume();
          return done;
        };
        const previous = handled.at(-1) ?? Promise.resolve(null);
        handled.push(previous.then(() => (context ? RequestContext.run(context, handle) : handle())));
      });
      parser.on('error', reject);
      parser.on('close', () => {
        Promise.all(handled).then(
          (files) =>
            resolve({
              // No token expected (a session without one yet) is no match for a form without one.
              csrfOk: csrfOk && !!expectedCsrf && fields[CSRF_FIELD] === expectedCsrf,
              fields,
              files: files.filter((f): f is Awaited<T> => f !== null),
              overLimit,
              truncated,
            }),
          reject,
        );
      });
      req.pipe(parser);
    });
  }

  /** One file streamed on to the API's upload route `path`, with `fields` before it. */
  async send(
    req: Request,
    path: string,
    fields: Record<string, string>,
    token: string,
    { fileName, mediaType, stream }: { fileName: string; mediaType: string; stream: Readable },
  ): Promise<SentFile> {
    const boundary = `berkas-${randomUUID()}`;
    const part = (name: string, value: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${quoted(value)}\r\n`;
    const head = Buffer.from(
      Object.entries(fields)
        .map(([name, value]) => part(name, value))
        .join('') +
        `--${boundary}\r\nContent-Disposition: ${fileDisposition(fileName)}\r\n` +
        `Content-Type: ${quoted(mediaType)}\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    async function* body(): AsyncIterable<Uint8Array> {
      yield head;
      yield* stream;
      yield tail;
    }
    try {
      const document = await this.api.stream<DocumentView>(
        req,
        path,
        token,
        body(),
        `multipart/form-data; boundary=${boundary}`,
      );
      return { fileName, ok: true, document };
    } catch (e) {
      return problemOf(fileName, e);
    } finally {
      if (!stream.readableEnded) stream.resume(); // the rest of a refused file has to pass for the next to be read
    }
  }
}
