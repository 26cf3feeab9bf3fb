import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A day off: national (no region), or a region's own. */
@Entity('holidays')
export class Holiday {
  @PrimaryGeneratedColumn()
  id: number;

  @Column('varchar', { length: 4, nullable: true })
  regionCode: string | null;

  @Column('date')
  date: string;

  @Column('text')
  nameId: string;

  @Column('text')
  nameEn: string;

  @Column('varchar', { length: 20 })
  kind: 'national' | 'collective_leave' | 'regional';

  @Column('text')
  source: string;
}
