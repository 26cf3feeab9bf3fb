import type { PermitTypeRef } from '@berkas/contracts';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A permit that came out of an approved application, with its number and sealed verification code. */
@Entity('issued_permits')
export class IssuedPermitRecord {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  applicationId: string;

  @Column('text')
  number: string;

  @Column('text')
  agencyCode: string;

  /** The issuing office; authority over the permit (revocation) comes from this id, never the code. */
  @Column('uuid')
  issuingAgencyId: string;

  @Column('varchar', { length: 4 })
  regionCode: string;

  @Column('int')
  year: number;

  @Column('int')
  sequence: number;

  @Column('jsonb')
  permitType: PermitTypeRef;

  @Column('text')
  holderName: string;

  @Column('timestamptz')
  issuedAt: Date;

  @Column('date', { nullable: true })
  validUntil: string | null;

  @Column('text')
  verificationCode: string;

  @Column('uuid', { nullable: true })
  documentId: string | null;

  @Column('timestamptz', { nullable: true })
  revokedAt: Date | null;
}
