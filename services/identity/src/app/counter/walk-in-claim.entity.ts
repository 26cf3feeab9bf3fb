import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * What was sent about a file entered at a counter, one per tracking number: a claim code (its hash,
 * until the account is claimed), or a notice to an account that already had a password.
 */
@Entity('walk_in_claims')
export class WalkInClaim {
  @PrimaryColumn('text')
  trackingNumber: string;

  @Column('uuid')
  applicantId: string;

  /** The office whose counter took the file, named in the messages. */
  @Column('text')
  office: string;

  @Column('varchar', { length: 6 })
  sent: 'code' | 'notice';

  /** Null once used up: claimed, or too many wrong tries (a new one can be asked for). */
  @Column('bytea', { nullable: true })
  codeHash: Buffer | null;

  @Column('int', { default: 0 })
  attempts: number;

  @Column('timestamptz', { nullable: true })
  expiresAt: Date | null;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;
}
