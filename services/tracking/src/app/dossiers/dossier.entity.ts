import type {
  Actor,
  AgencyRef,
  Bilingual,
  DocumentRule,
  InTransit,
  PermitTypeRef,
  PublicView,
} from '@berkas/contracts';
import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** What the public page says is being done on the file now (from the permit workflow's events). */
export type PublicProgress = Pick<PublicView, 'currentStages' | 'awaitingApplicant'>;

/** A berkas: its number, what it is, who holds it now. */
@Entity('dossiers')
export class DossierRecord {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('varchar', { length: 19 })
  trackingNumber: string;

  @Column('varchar', { length: 4 })
  regionCode: string;

  @Column('text')
  title: string;

  @Column('varchar', { length: 20 })
  kind: string;

  @Column('varchar', { length: 12 })
  confidentiality: 'public' | 'internal' | 'confidential';

  @Column('varchar', { length: 10 })
  status: 'draft' | 'open' | 'in-transit' | 'closed';

  @Column('varchar', { length: 20, nullable: true })
  outcome: string | null;

  @Column('jsonb')
  origin: AgencyRef;

  @Column('uuid')
  originAgencyId: string;

  @Column('jsonb')
  holder: AgencyRef;

  @Column('uuid')
  holderAgencyId: string;

  @Column('uuid', { nullable: true })
  holderUnitId: string | null;

  @Column('timestamptz')
  heldSince: Date;

  @Column('jsonb', { nullable: true })
  inTransit: InTransit | null;

  @Column('uuid', { nullable: true })
  inTransitToAgencyId: string | null;

  @Column('uuid', { nullable: true })
  applicantId: string | null;

  @Column('uuid', { nullable: true })
  companyId: string | null;

  @Column('jsonb', { nullable: true })
  permitType: PermitTypeRef | null;

  /** The documents the process behind the dossier asks for, and their limits (null: none set). */
  @Column('jsonb', { nullable: true })
  documentRules: DocumentRule[] | null;

  @Column('date', { nullable: true })
  dueAt: string | null;

  /** The permit workflow's open stages, as the public tracking page shows them. */
  @Column('jsonb')
  progress: PublicProgress;

  @Column('timestamptz', { nullable: true })
  progressAt: Date | null;

  @Column('timestamptz')
  openedAt: Date;

  @Column('timestamptz', { nullable: true })
  closedAt: Date | null;

  /** Length and head of the hash chain, kept on the row so appending needs no scan. */
  @Column('int', { default: 0 })
  historySeq: number;

  @Column('char', { length: 64 })
  historyHead: string;
}

/** One link of a dossier's append-only, hash-chained history. */
@Entity('history')
export class HistoryRecord {
  @PrimaryColumn('uuid')
  dossierId: string;

  @PrimaryColumn('int')
  seq: number;

  @Column('varchar', { length: 40 })
  type: string;

  @Column('timestamptz')
  occurredAt: Date;

  @Column('jsonb')
  actor: Actor;

  @Column('jsonb')
  data: Record<string, unknown>;

  /** Set on milestones shown on the public tracking page. */
  @Column('jsonb', { nullable: true })
  publicLabel: Bilingual | null;

  @Column('jsonb', { nullable: true })
  publicAgency: { code: string; name: string } | null;

  @Column('char', { length: 64 })
  prevHash: string;

  @Column('char', { length: 64 })
  hash: string;
}
