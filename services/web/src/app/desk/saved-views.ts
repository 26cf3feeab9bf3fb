import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { SignedInPerson } from '../sessions/session-middleware';
import { SavedDeskView } from './saved-view.entity';

/** Views one officer may keep: a team's handful and a little more. */
const MAX_OWN = 20;

/** What a desk view is: the queue and its filters, each already checked by the desk. */
export interface DeskViewQuery {
  antrean: string;
  jenis?: string;
  tahap?: string;
  wilayah?: string;
  keadaan?: string;
  cari?: string;
}

/** A saved view as the desk lists it. */
export type DeskViewListing = Pick<
  SavedDeskView,
  'id' | 'ownerId' | 'ownerName' | 'name' | 'query' | 'shared'
>;

/** The desk's saved views: an officer's own, and those colleagues of their agency share. */
@Injectable()
export class SavedViews {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The officer's views and those shared in their agency, by name. Read on every desk page, so in
   * plain SQL: the query builder and entity mapping cost more than the query itself.
   */
  async visibleTo(officer: SignedInPerson): Promise<DeskViewListing[]> {
    const where = whereOf(officer);
    if (!where) return [];
    return this.dataSource.query(
      `SELECT id, owner_id AS "ownerId", owner_name AS "ownerName", name, query, shared
         FROM saved_desk_views
        WHERE owner_id = $1 OR (shared AND region_code = $2 AND agency_code = $3)
        ORDER BY name, saved_at`,
      [where.ownerId, where.region, where.agency],
    );
  }

  /**
   * Saves the view under its name; the officer's own view of that name is replaced. Answers false
   * when the officer already keeps as many as they may.
   */
  async save(officer: SignedInPerson, name: string, query: DeskViewQuery, shared: boolean): Promise<boolean> {
    const where = whereOf(officer);
    if (!where) return false;
    return this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(SavedDeskView);
      const same = await repo.findOneBy({ ownerId: where.ownerId, name });
      if (!same && (await repo.countBy({ ownerId: where.ownerId })) >= MAX_OWN) return false;
      await repo.save({
        id: same?.id ?? randomUUID(),
        ownerId: where.ownerId,
        ownerName: officer.name,
        regionCode: where.region,
        agencyCode: where.agency,
        name,
        query: new URLSearchParams(Object.entries(query).filter(([, v]) => !!v)).toString(),
        shared,
        savedAt: new Date(),
      });
      return true;
    });
  }

  /** Removes one of the officer's own views; another's, or one gone already, is left as it is. */
  async remove(officer: SignedInPerson, id: string): Promise<void> {
    const where = whereOf(officer);
    if (where) await this.dataSource.getRepository(SavedDeskView).delete({ id, ownerId: where.ownerId });
  }
}

/** Whose views: the officer, and their own agency in their region (where shared views are seen). */
function whereOf(officer: SignedInPerson): { ownerId: string; region: string; agency: string } | null {
  const agency = officer.seats?.[0]?.agencyCode;
  return officer.kind === 'staff' && officer.id && officer.region && agency
    ? { ownerId: officer.id, region: officer.region, agency }
    : null;
}
