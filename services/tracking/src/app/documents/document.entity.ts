import type { Actor, DocumentKind } from '@berkas/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An immutable document version; the bytes live in object storage under `objectKey`. */
@Entity('documents')
export class DocumentRecord {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  dossierId: string;

  @Column('varchar', { length: 30 })
  kind: DocumentKind;

  @Column('int')
  version: number;

  @Column('uuid', { nullable: true })
  previousId: string | null;

  @Column('text')
  objectKey: string;

  @Column('char', { length: 64 })
  sha256: string;

  @Column('bigint', { transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  size: number;

  @Column('text')
  mediaType: string;

  @Column('text')
  fileName: string;

  @Column('jsonb')
  uploadedBy: Actor;

  @Column('timestamptz')
  uploadedAt: Date;

  /** Taken out of the current set (no longer meets a requirement); the bytes and history stay. */
  @Column('timestamptz', { nullable: true })
  withdrawnAt: Date | null;

  @Column('jsonb', { nullable: true })
  withdrawnBy: Actor | null;
}

/** Permission to store one document's bytes, given before they are streamed. */
@Entity('document_uploads')
export class DocumentUpload {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  dossierId: string;

  @Column('varchar', { length: 30 })
  kind: DocumentKind;

  @Column('text')
  fileName: string;

  /** The current document this upload is the next version of, when it replaces one. */
  @Column('uuid', { nullable: true })
  replacesId: string | null;

  @Column('text')
  objectKey: string;

  @Column('bigint', { transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  maxBytes: number;

  @Column('text', { array: true })
  allowedTypes: string[];

  @Column('jsonb')
  grantedTo: Actor;

  /** The service that asked on the uploader's behalf and alone may register the upload. */
  @Column('text', { nullable: true })
  vouchedBy: string | null;

  @Column('timestamptz')
  expiresAt: Date;

  @Column('timestamptz', { nullable: true })
  completedAt: Date | null;
}
