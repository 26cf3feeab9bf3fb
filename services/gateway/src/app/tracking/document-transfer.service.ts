import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import busboy from 'busboy';
import contentDisposition from 'content-disposition';
import type { Client } from 'minio';
import { S3Env } from '@berkas/config';
import {
  AppError,
  type DocumentKind,
  type DocumentView,
  type DownloadGrant,
  type RegisterDocumentRequest,
  type UploadGrant,
} from '@berkas/contracts';
import { ServiceClient } from '@berkas/messaging';
import { RequestContext } from '@berkas/observability';
import { OBJECT_STORAGE, uploadStream } from '@berkas/storage';

/** What the form says of the file before it: its kind, and the current document it replaces, if any. */
export interface UploadFields {
  kind: DocumentKind;
  replaces?: string;
}
/** Asks for permission to store one document of a kind. */
export type GrantProvider = (fields: UploadFields, fileName: string) => Promise<UploadGrant>;
/** Records the stored bytes with whoever granted the upload (tracking, or permits for an application). */
export type Registrar = (upload: RegisterDocumentRequest) => Promise<DocumentView>;

const MAX_FIELD_BYTES = 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Moves document bytes between the client and object storage without holding them: uploads stream
 * from the multipart body straight into storage under a grant from tracking (which then records
 * them); downloads stream out while their SHA-256 is checked against the record.
 */
const WRITE_BATCH_BYTES = 1024 * 1024;

@Injectable()
export class DocumentTransferService {
  private readonly logger = new Logger('DocumentTransfer');

  constructor(
    private readonly tracking: ServiceClient,
    @Inject(OBJECT_STORAGE) private readonly storage: Client,
    private readonly s3: S3Env,
  ) {}

  /**
   * Multipart form: a `kind` field (and `replaces`, the id of the current document the file is the
   * next version of), then one `file`. Fields after the file are too late to use.
   * `grant` asks for the upload grant and `register` records the bytes: tracking directly, or
   * permits for an application's dossier (which checks both times that the application takes it).
   */
  upload(
    req: IncomingMessage,
    grant: GrantProvider,
    register: Registrar = this.registerWithTracking,
    /** What the route itself says of the file (an action attachment's kind), so the form need not. */
    given: Partial<UploadFields> = {},
  ): Promise<DocumentView> {
    const context = RequestContext.current();
    return new Promise<DocumentView>((resolve, reject) => {
      let parser: busboy.Busboy;
      try {
        // A file name without filename* comes as raw UTF-8 from browsers, curl and the web service.
        parser = busboy({
          headers: req.headers,
          defParamCharset: 'utf8',
          limits: { files: 1, fields: 5, fieldSize: MAX_FIELD_BYTES },
        });
      } catch {
        return reject(
          new AppError(
            'UNSUPPORTED_MEDIA_TYPE',
            415,
            'Send the document as multipart/form-data with a kind field and a file',
          ),
        );
      }
      let kind: string | undefined = given.kind;
      let replaces: string | undefined;
      let handled = false;
      parser.on('field', (name, value) => {
        if (name === 'kind' && !given.kind) kind = value;
        if (name === 'replaces') replaces = value;
      });
      parser.on('file', (_name, file, info) => {
        handled = true;
        const refused = !kind
          ? AppError.invalid('/kind', 'must come before the file in the form')
          : replaces !== undefined && !UUID.test(replaces)
            ? AppError.invalid('/replaces', 'must be the id of the document the file replaces')
            : null;
        if (refused) {
          file.resume();
          return reject(refused);
        }
        const fields: UploadFields = { kind: kind as DocumentKind, ...(replaces ? { replaces } : {}) };
        const store = () => this.store(grant, register, fields, info.filename || 'document', file);
        // busboy calls back from the socket's events, outside the request's async context: enter it
        // again so the grant is asked for as the signed-in user, with the request's id.
        (context ? RequestContext.run(context, store) : store()).then(resolve, reject);
      });
      parser.on('error', (e) =>
        reject(
          new AppError(
            'MALFORMED_UPLOAD',
            400,
            'The upload is not a readable multipart/form-data body',
          ).withInternal({
            cause: (e as Error).message,
          }),
        ),
      );
      parser.on('close', () => {
        if (!handled) reject(AppError.invalid('/file', 'is missing'));
      });
      req.pipe(parser);
    });
  }

  private readonly registerWithTracking: Registrar = (upload) =>
    this.tracking.request('tracking.documents.register', upload);

  private async store(
    provider: GrantProvider,
    register: Registrar,
    fields: UploadFields,
    fileName: string,
    file: Readable,
  ): Promise<DocumentView> {
    let grant: UploadGrant;
    try {
      grant = await provider(fields, fileName);
    } catch (e) {
      file.resume();
      throw e;
    }
    const stored = await uploadStream(this.storage, this.s3.bucket, grant.objectKey, file, grant);
    try {
      return await register({
        uploadId: grant.uploadId,
        sha256: stored.sha256,
        size: stored.size,
        mediaType: stored.type.mediaType,
      });
    } catch (e) {
      // Bytes the file was refused for must not linger in the bucket. After a timeout or a fault the
      // registration may have been recorded all the same: those bytes stay (an unused grant's object
      // is an orphan, a recorded document without its bytes would be a loss).
      if (e instanceof AppError && e.status >= 400 && e.status < 500)
        await this.storage.removeObject(this.s3.bucket, grant.objectKey).catch(() => undefined);
      throw e;
    }
  }

  /**
   * Streams a document out. The checksum is sent up front (Repr-Digest, RFC 9530) and recomputed on
   * the way; a mismatch cuts the connection, so a corrupted file never arrives looking complete.
   */
  async download(grant: DownloadGrant, res: ServerResponse): Promise<void> {
    const doc = grant.document;
    const source = await this.storage.getObject(this.s3.bucket, grant.objectKey);
    res.statusCode = 200;
    res.setHeader('Content-Type', doc.mediaType);
    res.setHeader('Content-Length', String(doc.size));
    res.setHeader('Content-Disposition', contentDisposition(doc.fileName));
    res.setHeader('Repr-Digest', `sha-256=:${Buffer.from(doc.sha256, 'hex').toString('base64')}:`);
    res.setHeader('Cache-Control', 'private, no-store');
    const hash = createHash('sha256');
    let sent = 0;
    // Storage hands over 64 KiB reads; writing them a batch at a time (one writev per ~1 MiB)
    // spares the syscalls that made the gateway the slow leg of a download (BENCHMARKS.md).
    let batch: Buffer[] = [];
    let batched = 0;
    const flush = async () => {
      res.cork();
      let ok = true;
      for (const b of batch) ok = res.write(b);
      res.uncork();
      batch = [];
      batched = 0;
      if (!ok) await new Promise((r) => res.once('drain', r));
    };
    for await (const chunk of source as AsyncIterable<Buffer>) {
      hash.update(chunk);
      sent += chunk.length;
      if (sent > doc.size) break;
      batch.push(chunk);
      batched += chunk.length;
      // The last bytes are held back until the whole checksum is known to match.
      if (batched >= WRITE_BATCH_BYTES && sent < doc.size) await flush();
    }
    const actual = hash.digest('hex');
    if (actual === doc.sha256 && sent === doc.size) await flush();
    if (actual !== doc.sha256 || sent !== doc.size) {
      this.logger.error(
        { documentId: doc.id, expected: doc.sha256, actual, sent },
        'stored document does not match its checksum',
      );
      res.destroy(new Error('checksum mismatch'));
      return;
    }
    res.end();
  }
}
