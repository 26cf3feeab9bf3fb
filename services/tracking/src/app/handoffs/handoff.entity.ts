import type { Actor, AgencyRef, ManifestItem } from '@berkas/contracts';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A serah terima: the dossier and a manifest going from one agency to another, with both sides' receipts. */
@Entity('handoffs')
export class HandoffRecord {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  dossierId: string;

  @Column('jsonb')
  fromAgency: AgencyRef;

  @Column('jsonb')
  toAgency: AgencyRef;

  @Column('uuid')
  toAgencyId: string;

  @Column('text', { nullable: true })
  note: string | null;

  @Column('jsonb')
  items: ManifestItem[];

  @Column('char', { length: 64 })
  manifestHash: string;

  @Column('varchar', { length: 10 })
  status: 'in-transit' | 'received' | 'refused';

  @Column('jsonb')
  sentBy: Actor;

  @Column('timestamptz')
  sentAt: Date;

  @Column('jsonb', { nullable: true })
  resolvedBy: Actor | null;

  @Column('timestamptz', { nullable: true })
  resolvedAt: Date | null;

  @Column('text', { nullable: true })
  refusalReason: string | null;
}
