import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A person's sign-in on the pages: the tokens the web service calls the API with, as them. */
@Entity('sign_ins')
export class SignIn {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  principalId: string;

  @Column('text')
  accessToken: string;

  @Column('timestamptz')
  accessExpiresAt: Date;

  @Column('text')
  refreshToken: string;

  @Column('timestamptz')
  refreshExpiresAt: Date;

  @Column('timestamptz', { nullable: true })
  renewedAt: Date | null;
}
