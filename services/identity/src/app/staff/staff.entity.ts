import type { StaffRole } from '@berkas/contracts';
import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Agency } from '../agencies/agency.entity';

/** An officer (pegawai) with a NIP. */
@Entity('staff')
export class StaffMember {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('char', { length: 18 })
  nip: string;

  @Column('varchar', { length: 4 })
  employment: 'pns' | 'pppk';

  @Column('text')
  name: string;

  @Column('text')
  email: string;

  @Column('text', { nullable: true })
  phone: string | null;

  @Column('uuid')
  agencyId: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id' })
  agency: Agency;

  @Column('uuid', { nullable: true })
  unitId: string | null;

  @Column('text')
  position: string;

  @Column('text', { array: true, default: () => "'{}'" })
  roles: StaffRole[];

  @Column('uuid', { nullable: true })
  supervisorId: string | null;

  @Column('boolean', { default: true })
  active: boolean;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { default: () => 'now()' })
  updatedAt: Date;
}

/** One period of an officer's career: where they sat and what they could do. Never deleted. */
@Entity('staff_assignments')
export class StaffAssignment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  staffId: string;

  @Column('uuid')
  agencyId: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id' })
  agency: Agency;

  @Column('uuid', { nullable: true })
  unitId: string | null;

  @Column('text')
  position: string;

  @Column('text', { array: true })
  roles: StaffRole[];

  @Column('timestamptz', { default: () => 'now()' })
  startedAt: Date;

  @Column('timestamptz', { nullable: true })
  endedAt: Date | null;

  /** Who made the change (an officer's id, or a system actor such as the demo seeder). */
  @Column('text', { nullable: true })
  changedBy: string | null;

  /** Set when an acting official (Plt/Plh) made it: the position holder whose authority was used. */
  @Column('uuid', { nullable: true })
  changedOnBehalfOf: string | null;
}

/** An acting official (Plt/Plh) holding another officer's roles for a period. */
@Entity('delegations')
export class DelegationRecord {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('varchar', { length: 3 })
  kind: 'plt' | 'plh';

  @Column('uuid')
  delegateId: string;

  @ManyToOne(() => StaffMember)
  @JoinColumn({ name: 'delegate_id' })
  delegate: StaffMember;

  @Column('uuid')
  holderId: string;

  @ManyToOne(() => StaffMember)
  @JoinColumn({ name: 'holder_id' })
  holder: StaffMember;

  @Column('uuid')
  agencyId: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id' })
  agency: Agency;

  @Column('text', { array: true })
  roles: StaffRole[];

  @Column('timestamptz')
  startsAt: Date;

  @Column('timestamptz')
  endsAt: Date;

  /** The appointing decree (nomor SK) or warrant. */
  @Column('text', { nullable: true })
  decreeNumber: string | null;

  @Column('text')
  createdBy: string;

  @Column('uuid', { nullable: true })
  createdOnBehalfOf: string | null;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  revokedAt: Date | null;
}
