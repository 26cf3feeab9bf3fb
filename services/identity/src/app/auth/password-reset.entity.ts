import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PrincipalKind } from './credential.entity';

/** A forgotten password's reset, waiting for its one-time code; one per account (the latest wins). */
@Entity('password_resets')
export class PasswordReset {
  @PrimaryColumn('uuid')
  id: string;

  @Column('varchar', { length: 9 })
  principalKind: PrincipalKind;

  @Column('uuid')
  principalId: string;

  @Column('bytea')
  codeHash: Buffer;

  @Column('int')
  attempts: number;

  @Column('timestamptz')
  expiresAt: Date;
}
