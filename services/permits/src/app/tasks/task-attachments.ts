import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { actorOf, requirePrincipal } from '@berkas/auth';
import {
  AppError,
  type DocumentView,
  type PrepareTaskAttachmentRequest,
  type Principal,
  type RegisterTaskAttachmentRequest,
  type UploadGrant,
} from '@berkas/contracts';
import { ServiceClient } from '@berkas/messaging';
import { ApplicationLedger } from '../ledger/application-ledger';
import { capacityOn, noTask, requireActable } from './task-access';

/** An attachment as an action's history entry names it. */
export interface ActionAttachment {
  documentId: string;
  fileName: string;
  mediaType: string;
  size: number;
}

/**
 * Files an officer attaches to a task for their next action on it. The bytes go to the file's dossier
 * (tracking, on the officer's behalf, as an `action-attachment`); permits keeps which task and whose
 * they are, so the action can name them and nobody else's. Only whoever may act on the task now may
 * attach: its role in its agency, and the task open or claimed by them.
 */
@Injectable()
export class TaskAttachments {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ledger: ApplicationLedger,
    private readonly services: ServiceClient,
  ) {}

  async prepare(p: Principal | undefined, req: PrepareTaskAttachmentRequest): Promise<UploadGrant> {
    const { uploader, trackingNumber } = await this.actable(p, req.id);
    return this.services.request(
      'tracking.documents.prepare-upload',
      { trackingNumber, kind: 'action-attachment', fileName: req.fileName, uploader },
      { asService: true },
    );
  }

  /** Registers the stored file in the dossier, then keeps it as waiting for the officer's action. */
  async register(p: Principal | undefined, req: RegisterTaskAttachmentRequest): Promise<DocumentView> {
    const { officer } = await this.actable(p, req.id);
    const { id: taskId, ...upload } = req;
    const document = await this.services.request('tracking.documents.register', upload, { asService: true });
    await this.dataSource.query(
      `INSERT INTO task_attachments (document_id, task_id, uploaded_by, file_name, media_type, size)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (document_id) DO NOTHING`,
      [document.id, taskId, officer.id, document.fileName, document.mediaType, document.size],
    );
    return document;
  }

  /**
   * Takes the named attachments for the action being decided under the task's lock: each must be
   * this officer's, on this task, and not named by an action before. Refuses the action otherwise.
   */
  async useFor(
    m: EntityManager,
    taskId: string,
    officerId: string,
    documentIds: readonly string[],
  ): Promise<ActionAttachment[]> {
    if (!documentIds.length) return [];
    // An UPDATE … RETURNING answers [rows, count] through TypeORM.
    const [rows]: [Array<{ document_id: string; file_name: string; media_type: string; size: string }>] =
      await m.query(
        `UPDATE task_attachments SET used_at = now()
          WHERE document_id = ANY($1) AND task_id = $2 AND uploaded_by = $3 AND used_at IS NULL
          RETURNING document_id, file_name, media_type, size`,
        [documentIds, taskId, officerId],
      );
    const found = new Map(rows.map((r) => [r.document_id, r]));
    const missing = documentIds.find((id) => !found.has(id));
    if (missing)
      throw AppError.invalid(
        '/attachments',
        `names ${missing}, which is not a file you attached to this task or was sent with an earlier action`,
      );
    // In the order the officer named them.
    return rows
      .sort((a, b) => documentIds.indexOf(a.document_id) - documentIds.indexOf(b.document_id))
      .map((r) => ({
        documentId: r.document_id,
        fileName: r.file_name,
        mediaType: r.media_type,
        size: Number(r.size),
      }));
  }

  /** The officer, as the dossier records the uploader, when they may act on the task now. */
  private async actable(p: Principal | undefined, taskId: string) {
    const officer = requirePrincipal(p);
    const seen = await this.ledger.peekTask(this.dataSource.manager, taskId);
    if (!seen) throw noTask();
    const capacity = capacityOn(officer, seen.task);
    const { task, app } = seen;
    requireActable(officer, task);
    if (!app.trackingNumber)
      throw new AppError('NOT_SUBMITTED', 409, 'This application has not been submitted');
    return { officer, uploader: actorOf(officer, capacity), trackingNumber: app.trackingNumber };
  }
}
