import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An Ed25519 key pair; the private half is encrypted with SIGNING_KEYS_SECRET. */
@Entity('signing_keys')
export class SigningKey {
  @PrimaryColumn('text')
  kid: string;

  @Column('text')
  alg: string;

  @Column('jsonb')
  publicJwk: Record<string, string>;

  @Column('text')
  privateKeyEnc: string;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  retiredAt: Date | null;
}
