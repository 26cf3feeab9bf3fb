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

  /** A grant for the officer's file, remembered with the task so only it registers there. */
  async prepare(p: Principal | undefined, req: PrepareTaskAttachmentRequest): Promise<UploadGrant> {
    const { officer, uploader, trackingNumber } = await this.actable(p, req.id);
    const grant = await this.services.request(
      'tracking.documents.prepare-upload',
      { trackingNumber, kind: 'action-attachment', fileName: req.fileName, uploader },
      { asService: true },
    );
    await this.dataSource.query(
      `INSERT INTO task_attachments (upload_id, task_id, uploaded_by) VALUES ($1, $2, $3)`,
      [grant.uploadId, req.id, officer.id],
    );
    return grant;
  }

  /**
   * Registers the stored file in the dossier, when its grant was made for this task and officer,
   * then keeps it as waiting for their action.
   */
  async register(p: Principal | undefined, req: RegisterTaskAttachmentRequest): Promise<DocumentView> {
    const { officer } = await this.actable(p, req.id);
    const { id: taskId, ...upload } = req;
    const [prepared] = await this.dataSource.query(
      `SELECT 1 FROM task_attachments WHERE upload_id = $1 AND task_id = $2 AND uploaded_by = $3`,
      [req.uploadId, taskId, officer.id],
    );
    if (!prepared) throw new AppError('NOT_FOUND', 404, 'No such upload for this task');
    const document = await this.services.request('tracking.documents.register', upload, { asService: true });
    await this.dataSource.query(
      `UPDATE task_attachments SET document_id = $2, file_name = $3, media_type = $4, size = $5
        WHERE upload_id = $1`,
      [req.uploadId, document.id, document.fileName, document.mediaType, document.size],
    );
    return document;
  }

  /**
   * Takes the named attachments for the action being decided under the task's lock: each must be
   * registered, this officer's, on this task, and not named by an action before. Refuses the action
   * otherwise.
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
    return documentIds.flatMap((id) => {
      const r = found.get(id);
      return r
        ? [{ documentId: id, fileName: r.file_name, mediaType: r.media_type, size: Number(r.size) }]
        : [];
    });
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
