import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Failed sign-ins of one name from one client (`client_hash` of its address), or of the name from
 * every client (`client_hash` = ACROSS_CLIENTS), in a window of an hour.
 */
@Entity('sign_in_throttles')
export class SignInThrottleRecord {
  @PrimaryColumn('bytea')
  nameHash: Buffer;

  @PrimaryColumn('bytea')
  clientHash: Buffer;

  @Column('int')
  failures: number;

  @Column('timestamptz')
  windowStartedAt: Date;

  @Column('timestamptz', { nullable: true })
  lockedUntil: Date | null;

  /** On the across-clients row: failures since the last successful sign-in, told to its owner then. */
  @Column('int')
  unseenFailures: number;

  @Column('timestamptz', { nullable: true })
  lastFailedAt: Date | null;
}
