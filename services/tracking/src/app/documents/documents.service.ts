import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import contentDisposition from 'content-disposition';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Client } from 'minio';
import { DataSource, type EntityManager } from 'typeorm';
import { actorOf, currentService } from '@berkas/auth';
import { S3Env } from '@berkas/config';
import {
  AppError,
  type Actor,
  type DocumentKind,
  type DocumentView,
  type DownloadGrant,
  type PrepareUploadRequest,
  type Principal,
  type RegisterDocumentRequest,
  type UploadGrant,
  type WithdrawDocumentRequest,
} from '@berkas/contracts';
import { LINK_SIGNER, OBJECT_STORAGE } from '@berkas/storage';
import {
  cleanFileName,
  limitsFor,
  maxFilesOf,
  SERVICE_ONLY_KINDS,
  VOUCHED_ONLY_KINDS,
  UPLOAD_GRANT_MINUTES,
} from '../../domain/document-rules';
import { placeFile, type Placement } from '../../domain/document-set';
import { canView, requireAgencyOfficer } from '../dossiers/access';
import { custodyOf, findDossier } from '../dossiers/dossier-lookup';
import { DossierRecord } from '../dossiers/dossier.entity';
import { DossierLedger } from '../dossiers/dossier-ledger';
import { LABELS } from '../dossiers/labels';
import { toDocumentView } from './document-view';
import { DocumentRecord, DocumentUpload } from './document.entity';

const DOWNLOAD_URL_SECONDS = 300;

const replacedAlready = () =>
  new AppError(
    'DOCUMENT_REPLACED',
    409,
    'That document was replaced or withdrawn already; see the current ones',
  );

/** The placement of a new file, or the reason it has none. */
function placed(p: Placement): Exclude<Placement, { refused: string }> {
  if (!('refused' in p)) return p;
  if (p.refused === 'replaced') throw replacedAlready();
  throw new AppError(
    'TOO_MANY_FILES',
    409,
    `This requirement takes at most ${p.maxFiles} files; replace or remove one first`,
  );
}

/** A kind's current files in a dossier (each file's latest version, none withdrawn), newest first. */
function currentFiles(m: EntityManager, dossierId: string, kind: DocumentKind): Promise<DocumentRecord[]> {
  return m
    .createQueryBuilder(DocumentRecord, 'd')
    .where('d.dossierId = :dossierId AND d.kind = :kind AND d.withdrawnAt IS NULL', { dossierId, kind })
    .andWhere('NOT EXISTS (SELECT 1 FROM documents n WHERE n.previous_id = d.id)')
    .orderBy('d.uploadedAt', 'DESC')
    .getMany();
}

@Injectable()
export class DocumentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(OBJECT_STORAGE) private readonly storage: Client,
    @Inject(LINK_SIGNER) private readonly links: Client,
    private readonly s3: S3Env,
    private readonly ledger: DossierLedger,
  ) {}

  /**
   * Who may add a document: an officer of the holding agency; the dossier's own applicant, while it
   * is open, on a dossier no process governs; a service, itself or on an applicant's behalf (permits,
   * for an application, having checked the application may take the document now). Every upload is
   * held to the dossier's document rules. The grant names a random object key, so names never
   * reach the storage layout.
   */
  async prepareUpload(p: Principal | undefined, req: PrepareUploadRequest): Promise<UploadGrant> {
    return this.dataSource.transaction(async (m) => {
      const d = await findDossier(m, req.trackingNumber);
      const { actor, vouchedBy } = this.uploader(p, d, req);
      if (d.status === 'closed')
        throw new AppError('DOSSIER_CLOSED', 409, 'Documents cannot be added to a closed dossier');
      if (SERVICE_ONLY_KINDS.includes(req.kind) && (!currentService() || req.uploader))
        throw new AppError(
          'FORBIDDEN',
          403,
          `A ${req.kind} document is stored by the service that issues it`,
        );
      if (VOUCHED_ONLY_KINDS.includes(req.kind) && !vouchedBy)
        throw new AppError(
          'FORBIDDEN',
          403,
          `A ${req.kind} is added through the task it belongs to (permits.tasks.prepare-attachment)`,
        );
      const rules = limitsFor(req.kind, d.documentRules, actor.kind === 'applicant');
      if ('refused' in rules) throw AppError.invalid('/kind', rules.refused);
      // Said before the bytes travel; checked again under the dossier's lock when they are registered.
      placed(placeFile(await currentFiles(m, d.id, req.kind), req.replaces ?? null, rules.maxFiles));
      const id = randomUUID();
      const grant = m.create(DocumentUpload, {
        id,
        dossierId: d.id,
        kind: req.kind,
        fileName: cleanFileName(req.fileName),
        replacesId: req.replaces ?? null,
        objectKey: `documents/${d.id}/${id}`,
        maxBytes: rules.maxBytes,
        allowedTypes: rules.allowedTypes,
        grantedTo: actor,
        vouchedBy,
        expiresAt: new Date(Date.now() + UPLOAD_GRANT_MINUTES * 60_000),
      });
      await m.insert(DocumentUpload, grant);
      return {
        uploadId: id,
        objectKey: grant.objectKey,
        maxBytes: grant.maxBytes,
        allowedTypes: grant.allowedTypes,
        expiresAt: grant.expiresAt.toISOString(),
      };
    });
  }

  /**
   * Records the bytes stored under a grant after checking them against it: same uploader, not expired,
   * the object really there with the size claimed, of an allowed type and within the limit. Where
   * the file goes among its kind's current files is placeFile's to say; replaced versions stay.
   */
  async register(p: Principal | undefined, req: RegisterDocumentRequest): Promise<DocumentView> {
    const view = await this.dataSource.transaction(async (m) => {
      const grant = await m
        .getRepository(DocumentUpload)
        .createQueryBuilder('u')
        .setLock('pessimistic_write')
        .where({ id: req.uploadId })
        .getOne();
      // A vouched grant is registered by the service that vouched (after checking again that the
      // document may be added now); any other by the one it was granted to.
      const registrant = grant?.vouchedBy ? (currentService() ?? null) : actorOf(p).id;
      if (!grant || registrant !== (grant.vouchedBy ?? grant.grantedTo.id))
        throw new AppError('NOT_FOUND', 404, 'No such upload');
      if (grant.completedAt)
        throw new AppError('ALREADY_REGISTERED', 409, 'This upload is already registered');
      if (grant.expiresAt < new Date())
        throw new AppError('UPLOAD_EXPIRED', 410, 'The upload grant has expired; start again');
      if (!grant.allowedTypes.includes(req.mediaType))
        throw AppError.invalid('/mediaType', 'is not allowed for this kind of document');
      if (req.size > grant.maxBytes)
        throw AppError.invalid('/size', 'is over the limit for this kind of document');
      const stat = await this.storage.statObject(this.s3.bucket, grant.objectKey).catch(() => null);
      if (!stat || stat.size !== req.size)
        throw new AppError('UPLOAD_INCOMPLETE', 409, 'The stored file does not match what was registered');

      const d = await this.ledger.lockById(m, grant.dossierId);
      if (!d) throw new Error(`upload ${grant.id} names no dossier`);
      if (d.status === 'closed')
        throw new AppError('DOSSIER_CLOSED', 409, 'Documents cannot be added to a closed dossier');
      // What allowed the grant must still hold: custody may have moved on while the bytes travelled.
      if (!grant.vouchedBy) this.uploader(p, d, {});
      const place = placed(
        placeFile(
          await currentFiles(m, d.id, grant.kind),
          grant.replacesId,
          maxFilesOf(grant.kind, d.documentRules),
        ),
      );
      const doc = m.create(DocumentRecord, {
        id: grant.id,
        dossierId: d.id,
        kind: grant.kind,
        ...place,
        objectKey: grant.objectKey,
        sha256: req.sha256,
        size: req.size,
        mediaType: req.mediaType,
        fileName: grant.fileName,
        uploadedBy: grant.grantedTo,
        uploadedAt: new Date(),
        withdrawnAt: null,
        withdrawnBy: null,
      });
      await m.insert(DocumentRecord, doc);
      await m.update(DocumentUpload, { id: grant.id }, { completedAt: new Date() });
      await this.ledger.commit(m, d, {
        history: [
          {
            type: 'document-added',
            actor: grant.grantedTo,
            data: {
              documentId: doc.id,
              kind: doc.kind,
              version: doc.version,
              sha256: doc.sha256,
              size: doc.size,
              mediaType: doc.mediaType,
            },
            // Drafts' documents are not milestones.
            ...(d.status === 'draft' ? {} : { milestone: { label: LABELS.documentAdded } }),
          },
        ],
        events: [
          {
            type: 'evt.tracking.document-added',
            data: {
              dossierId: d.id,
              trackingNumber: d.trackingNumber,
              documentId: doc.id,
              kind: doc.kind,
              version: doc.version,
              sha256: doc.sha256,
            },
          },
        ],
      });
      return toDocumentView(doc);
    });
    return view;
  }

  /**
   * Takes a current document out of the dossier's set for the person a service (permits) names,
   * having checked that the application takes changes now. The bytes and every version stay, and
   * the history says who withdrew what.
   */
  async withdraw(req: WithdrawDocumentRequest): Promise<DocumentView> {
    if (!currentService()) throw new AppError('FORBIDDEN', 403, 'Only a service withdraws a document');
    return this.dataSource.transaction(async (m) => {
      const d = await this.ledger.lock(m, req.trackingNumber);
      const doc = await m.findOneBy(DocumentRecord, { id: req.documentId, dossierId: d.id });
      if (!doc) throw new AppError('NOT_FOUND', 404, 'No such document');
      if (d.status === 'closed')
        throw new AppError('DOSSIER_CLOSED', 409, 'Documents cannot be withdrawn from a closed dossier');
      // The applicant's own files, while the file is theirs to change: a draft, or returned to them.
      // (What an officer added, a site-visit report, is the office's record.)
      if (doc.uploadedBy.kind !== 'applicant')
        throw new AppError('FORBIDDEN', 403, 'Only a file the applicant added can be withdrawn');
      if (d.status !== 'draft' && !(d.status === 'open' && d.progress.awaitingApplicant))
        throw new AppError(
          'NOT_EDITABLE',
          409,
          'Files can be withdrawn from a draft or a returned application',
        );
      if (!(await currentFiles(m, d.id, doc.kind)).some((f) => f.id === doc.id)) throw replacedAlready();
      doc.withdrawnAt = new Date();
      doc.withdrawnBy = req.by;
      await m.update(DocumentRecord, { id: doc.id }, { withdrawnAt: doc.withdrawnAt, withdrawnBy: req.by });
      const about = { documentId: doc.id, kind: doc.kind, version: doc.version, sha256: doc.sha256 };
      await this.ledger.commit(m, d, {
        history: [{ type: 'document-withdrawn', actor: req.by, data: about }],
        events: [
          {
            type: 'evt.tracking.document-withdrawn',
            data: { dossierId: d.id, trackingNumber: d.trackingNumber, ...about },
          },
        ],
      });
      return toDocumentView(doc);
    });
  }

  /** For anyone who may see the dossier: the document, its checksum, and a presigned URL valid for minutes. */
  async download(p: Principal | undefined, documentId: string): Promise<DownloadGrant> {
    const m: EntityManager = this.dataSource.manager;
    const doc = await m.findOneBy(DocumentRecord, { id: documentId });
    const d = doc ? await m.findOneBy(DossierRecord, { id: doc.dossierId }) : null;
    if (!doc || !d || !canView(p, d, await custodyOf(m, d)))
      throw new AppError('NOT_FOUND', 404, 'No such document');
    // Always a download, never shown inline on the storage origin: a document is a citizen's upload.
    const url = await this.links.presignedGetObject(this.s3.bucket, doc.objectKey, DOWNLOAD_URL_SECONDS, {
      'response-content-type': doc.mediaType,
      'response-content-disposition': contentDisposition(doc.fileName),
    });
    return {
      document: toDocumentView(doc),
      objectKey: doc.objectKey,
      url,
      expiresAt: new Date(Date.now() + DOWNLOAD_URL_SECONDS * 1000).toISOString(),
    };
  }

  /** Who uploads, and the service vouching for them; refuses whoever may not add documents now. */
  private uploader(
    p: Principal | undefined,
    d: DossierRecord,
    req: Pick<PrepareUploadRequest, 'uploader'>,
  ): { actor: Actor; vouchedBy: string | null } {
    if (req.uploader) {
      const service = currentService();
      if (!service) throw new AppError('FORBIDDEN', 403, 'Only a service names the uploader');
      return { actor: req.uploader, vouchedBy: service };
    }
    if (p?.kind === 'applicant') {
      const own = (d.applicantId && d.applicantId === p.id) || (d.companyId && d.companyId === p.companyId);
      if (!own) throw new AppError('NOT_FOUND', 404, 'No dossier has this tracking number');
      if (d.kind === 'permit-application')
        throw new AppError(
          'DOCUMENTS_THROUGH_APPLICATION',
          409,
          'Add documents to an application through the application (POST /api/v1/applications/{id}/documents), which knows what it asks for and when',
        );
      if (d.status !== 'draft' && d.status !== 'open')
        throw new AppError('NOT_EDITABLE', 409, 'Documents can be added while the dossier is open');
      return { actor: actorOf(p), vouchedBy: null };
    }
    return { actor: requireAgencyOfficer(p, d.holderAgencyId, 'holding'), vouchedBy: null };
  }
}
