import type { ApplicationCorrection, CounterOfficer, FeeBill } from '@berkas/contracts';
import type { ClockSegment } from '../../domain/working-calendar';
import type { FlowState } from '../../domain/workflow-engine';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A return to the applicant as stored: what the view shows, and the answers as they were then. */
export type StoredCorrection = ApplicationCorrection & { formBefore: Record<string, unknown> };

export type ApplicationStatus = 'draft' | 'in-review' | 'returned' | 'issued' | 'rejected' | 'withdrawn';

/** A permohonan: the form, where it stands in its workflow version, and its service-standard clock. */
@Entity('applications')
export class ApplicationRecord {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  permitType: string;

  @Column('varchar', { length: 4 })
  regionCode: string;

  @Column('uuid')
  applicantId: string;

  @Column('uuid', { nullable: true })
  companyId: string | null;

  /** The member who applied. */
  @Column('text')
  applicantName: string;

  /** Who holds the permit: the company for a company's application, else the applicant. */
  @Column('text')
  holderName: string;

  @Column('varchar', { length: 12 })
  status: ApplicationStatus;

  @Column('jsonb')
  form: Record<string, unknown>;

  /** The kelurahan/desa the form names (its `area` question), by Kemendagri code: the queues' area filter. */
  @Column('varchar', { length: 13, nullable: true })
  areaCode: string | null;

  @Column('uuid', { nullable: true })
  dossierId: string | null;

  @Column('text', { nullable: true })
  trackingNumber: string | null;

  @Column('uuid')
  issuingAgencyId: string;

  @Column('text')
  workflowCode: string;

  @Column('int')
  workflowVersion: number;

  @Column('jsonb', { nullable: true })
  flow: FlowState | null;

  /** The overall service standard, counted from "lengkap dan benar", paused while returned. */
  @Column('jsonb')
  serviceClock: ClockSegment[];

  @Column('timestamptz', { nullable: true })
  submittedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  completeAt: Date | null;

  @Column('timestamptz', { nullable: true })
  dueAt: Date | null;

  @Column('text', { nullable: true })
  outcome: string | null;

  /** The levy (retribusi) billed at a fee stage, and its payment. */
  @Column('jsonb', { nullable: true })
  fee: FeeBill | null;

  /** The last return to the applicant, and what they changed when they resubmitted. */
  @Column('jsonb', { nullable: true })
  correction: StoredCorrection | null;

  /** The officer who entered it at a counter for a walk-in applicant. */
  @Column('jsonb', { nullable: true })
  enteredBy: CounterOfficer | null;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz')
  updatedAt: Date;

  @Column('int', { default: 0 })
  historySeq: number;

  @Column('char', { length: 64 })
  historyHead: string;
}
