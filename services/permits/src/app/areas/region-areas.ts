import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { AppError, placesByCode, type AreaPlace, type RegionAreas } from '@berkas/contracts';
import type { AreaChoices } from '../../domain/application-form';

const AREAS_FILE = join(__dirname, '../../../data/areas.json');

interface AreasFile {
  source: string;
  regions: Record<string, { name: string; districts: RegionAreas['districts'] }>;
}

/** The places of one region a form's `area` question may name, and how each reads. */
export interface AreaIndex {
  /** Kelurahan/desa codes: the answers an `area` question takes in this region. */
  villages: ReadonlySet<string>;
  place(code: string): AreaPlace | null;
}

/**
 * The kecamatan and kelurahan/desa of each region this deployment serves, with their Kemendagri codes
 * (data/areas.json keeps the decree they come from). A form's `area` question is answered with one of
 * a region's kelurahan; officers narrow their queues by kecamatan or kelurahan. Boundaries change by
 * regulation (pemekaran), so a release ships the list, not an operator's form.
 */
@Injectable()
export class RegionAreasService {
  private readonly file = JSON.parse(readFileSync(AREAS_FILE, 'utf8')) as AreasFile;
  /** Each listed region's places, indexed once: the file is small and never changes while running. */
  private readonly indexes = new Map(
    Object.entries(this.file.regions).map(([code, region]): [string, AreaIndex] => {
      const places = placesByCode(region);
      return [code, { villages: new Set(places.keys()), place: (c) => places.get(c) ?? null }];
    }),
  );
  private readonly choicesByRegion = new Map<string, AreaChoices>();

  get(regionCode: string): RegionAreas {
    const region = this.file.regions[regionCode];
    if (!region) throw new AppError('NOT_FOUND', 404, `No kecamatan/kelurahan list for region ${regionCode}`);
    return { regionCode, source: this.file.source, districts: region.districts };
  }

  /** What a form's `area` question takes in the region (one object per region: see AreaChoices). */
  choices(regionCode: string): AreaChoices {
    let choices = this.choicesByRegion.get(regionCode);
    if (!choices) {
      choices = { regionCode, villages: this.index(regionCode)?.villages ?? null };
      this.choicesByRegion.set(regionCode, choices);
    }
    return choices;
  }

  /** The region's places, or null for a region without a list. */
  index(regionCode: string): AreaIndex | null {
    return this.indexes.get(regionCode) ?? null;
  }
}
