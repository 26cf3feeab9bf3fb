import type { Actor, StaffRole } from '@berkas/contracts';
import type { ClockSegment } from '../../domain/working-calendar';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Work for an agency and role at one stage of one application. */
@Entity('tasks')
export class TaskRecord {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  applicationId: string;

  @Column('text')
  stage: string;

  @Column('text')
  agencyCode: string;

  @Column('uuid')
  agencyId: string;

  @Column('text')
  role: StaffRole;

  @Column('varchar', { length: 10 })
  status: 'open' | 'claimed' | 'done' | 'cancelled';

  @Column('uuid', { nullable: true })
  claimedBy: string | null;

  @Column('timestamptz', { nullable: true })
  claimedAt: Date | null;

  @Column('jsonb')
  clock: ClockSegment[];

  @Column('timestamptz', { nullable: true })
  dueAt: Date | null;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  closedAt: Date | null;

  @Column('jsonb', { nullable: true })
  closedBy: Actor | null;

  @Column('text', { nullable: true })
  action: string | null;

  @Column('text', { nullable: true })
  note: string | null;

  @Column('timestamptz', { nullable: true })
  escalatedAt: Date | null;

  /** The handoff bringing the paper dossier to this stage's agency, when the stage needs it. */
  @Column('uuid', { nullable: true })
  handoffId: string | null;
}
