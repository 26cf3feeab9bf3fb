import type { CounterOfficer } from '@berkas/contracts';
import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export type PrincipalKind = 'staff' | 'applicant';

/** A name someone signs in with (email, phone or NIP), unique across staff and applicants. */
@Entity('login_names')
export class LoginName {
  @PrimaryColumn('text')
  name: string;

  @Column('varchar', { length: 9 })
  principalKind: PrincipalKind;

  @Column('uuid')
  principalId: string;
}

/** A password hash (failed attempts against it are counted by name and client: SignInThrottle). */
@Entity('credentials')
export class Credential {
  @PrimaryColumn('varchar', { length: 9 })
  principalKind: PrincipalKind;

  @PrimaryColumn('uuid')
  principalId: string;

  @Column('text')
  passwordHash: string;

  @Column('timestamptz', { default: () => 'now()' })
  passwordChangedAt: Date;

  /** Chosen by someone else (an admin adding an officer): its owner replaces it at first sign-in. */
  @Column('boolean', { default: false })
  passwordChangeRequired: boolean;

  @Column('timestamptz', { nullable: true })
  lastLoginAt: Date | null;
}

/** A refresh token, stored as its SHA-256 only. Tokens of one sign-in share a family. */
@Entity('refresh_tokens')
export class RefreshToken {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  familyId: string;

  @Column('varchar', { length: 9 })
  principalKind: PrincipalKind;

  @Column('uuid')
  principalId: string;

  @Column('bytea')
  tokenHash: Buffer;

  @Column('timestamptz', { default: () => 'now()' })
  issuedAt: Date;

  @Column('timestamptz')
  expiresAt: Date;

  @Column('timestamptz', { nullable: true })
  usedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  revokedAt: Date | null;

  @Column('text', { nullable: true })
  revokeReason: string | null;

  /** A sign-in an officer works in at a counter for this applicant (the principal's assistedBy). */
  @Column('jsonb', { nullable: true })
  assistedBy: CounterOfficer | null;
}
