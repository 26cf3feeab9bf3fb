import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A desk view an officer saved under a name: a queue with its filters, kept as the query of its
 * address. Shared, every officer of the same agency (and region) sees it among their views.
 */
@Entity('saved_desk_views')
export class SavedDeskView {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  ownerId: string;

  @Column('text')
  ownerName: string;

  @Column('text')
  regionCode: string;

  @Column('text')
  agencyCode: string;

  @Column('text')
  name: string;

  /** The desk address's query (antrean, jenis, tahap, wilayah, keadaan, cari), as the desk reads it. */
  @Column('text')
  query: string;

  @Column('boolean')
  shared: boolean;

  @Column('timestamptz')
  savedAt: Date;
}
