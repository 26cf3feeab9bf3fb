import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

/** A business known by its NIB; several applicant accounts may act for it. */
@Entity('companies')
export class Company {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('char', { length: 13 })
  nib: string;

  @Column('text')
  name: string;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;
}

/** A citizen (NIK) or a company's staff member using the public portal. */
@Entity('applicants')
export class ApplicantAccount {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('varchar', { length: 7 })
  kind: 'person' | 'company';

  @Column('text')
  name: string;

  @Column('text', { nullable: true })
  email: string | null;

  @Column('text', { nullable: true })
  phone: string | null;

  @Column('char', { length: 16, nullable: true })
  nik: string | null;

  @Column('uuid', { nullable: true })
  companyId: string | null;

  @ManyToOne(() => Company, { nullable: true })
  @JoinColumn({ name: 'company_id' })
  company: Company | null;

  /** Adds and removes the company's members; whoever registered the company is its first. */
  @Column('boolean', { default: false })
  companyAdmin: boolean;

  @Column('boolean', { default: true })
  active: boolean;

  /** When a company's admin removed this member (the account is closed, never deleted). */
  @Column('timestamptz', { nullable: true })
  removedAt: Date | null;

  @Column('uuid', { nullable: true })
  removedBy: string | null;

  /** The officer who opened the account at a counter for a walk-in; it has no password until claimed. */
  @Column('uuid', { nullable: true })
  enrolledBy: string | null;

  @Column('timestamptz', { nullable: true })
  enrolledAt: Date | null;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;
}
