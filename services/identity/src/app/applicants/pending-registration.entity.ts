import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** What a registration (or an invitation) will create, once confirmed with the code sent. */
export interface RegistrationDetails {
  name: string;
  email: string | null;
  phone: string | null;
  nik?: string;
  nib?: string;
  companyName?: string;
  /** The inviting company, for a member. */
  companyId?: string;
}

/** A registration waiting for its one-time code; one per email or phone (the latest wins). */
@Entity('pending_registrations')
export class PendingRegistration {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Where the code went: the email, or the phone without one. */
  @Column('text')
  login: string;

  @Column('varchar', { length: 14 })
  kind: 'person' | 'company' | 'company-member';

  @Column('jsonb')
  details: RegistrationDetails;

  /** Null for an invitation: the member chooses the password when confirming. */
  @Column('text', { nullable: true })
  passwordHash: string | null;

  @Column('bytea')
  codeHash: Buffer;

  @Column('int')
  attempts: number;

  @Column('timestamptz')
  expiresAt: Date;

  @Column('timestamptz')
  createdAt: Date;
}
