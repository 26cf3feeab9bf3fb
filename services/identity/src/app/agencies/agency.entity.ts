import {
  Column,
  Entity,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';

/** A kota/kabupaten served by this deployment, by its BPS code. */
@Entity('regions')
export class Region {
  @PrimaryColumn('varchar', { length: 4 })
  code: string;

  @Column('text')
  name: string;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;
}

/** An instansi/OPD of a region. */
@Entity('agencies')
export class Agency {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('varchar', { length: 4 })
  regionCode: string;

  @Column('varchar', { length: 40 })
  code: string;

  @Column('text')
  name: string;

  @Column('uuid', { nullable: true })
  parentId: string | null;

  @Column('boolean', { default: true })
  active: boolean;

  @OneToMany(() => Unit, (u) => u.agency)
  units: Unit[];

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { default: () => 'now()' })
  updatedAt: Date;
}

/** A bidang/seksi inside an agency. */
@Entity('units')
export class Unit {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  agencyId: string;

  @ManyToOne(() => Agency, (a) => a.units)
  @JoinColumn({ name: 'agency_id' })
  agency: Agency;

  @Column('varchar', { length: 40 })
  code: string;

  @Column('text')
  name: string;

  @Column('boolean', { default: true })
  active: boolean;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;
}
