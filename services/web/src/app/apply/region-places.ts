import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { LRUCache } from 'lru-cache';
import { placesByCode, type AreaPlace, type FormField, type RegionAreas } from '@berkas/contracts';
import { ApiClient, ApiProblem } from '../api/api-client';

/** How long a region's list is reused: kecamatan and kelurahan change by regulation, a release at a time. */
const TTL_MS = 60 * 60_000;
/** A region without a list is asked again sooner: the release that ships it may be rolling out. */
const NO_LIST_TTL_MS = 5 * 60_000;

/** A region's kecamatan and kelurahan/desa: the choices of a form's place question and of the desk's filter. */
export class RegionPlaces {
  private readonly villages: Map<string, AreaPlace>;

  constructor(readonly areas: RegionAreas) {
    this.villages = placesByCode(areas);
  }

  /** A kelurahan/desa by its code, with its kecamatan; undefined for anything else. */
  village(code: string) {
    return this.villages.get(code);
  }

  /** A kecamatan (32.71.01) or kelurahan/desa (32.71.01.1001) of the region. */
  has(code: string): boolean {
    return this.villages.has(code) || this.areas.districts.some((d) => d.code === code);
  }
}

/** Whether a permit type's form asks where (a place question), so its pages need the region's list. */
export const asksForPlace = (form: FormField[]) => form.some((f) => f.type === 'area');

/**
 * The places of each region, read through the public API and kept an hour (a region without a list,
 * a few minutes): a question page, a file's page and every desk page would otherwise ask for the same
 * sixty-odd names each time. Pages asking at once share one request.
 */
@Injectable()
export class PlaceDirectory {
  private readonly byRegion = new LRUCache<string, { places: RegionPlaces | null }>({ max: 50, ttl: TTL_MS });
  private readonly asking = new Map<string, Promise<RegionPlaces | null>>();

  constructor(private readonly api: ApiClient) {}

  /** The region's places, or null for a region the deployment has no list for. */
  async of(req: Request, regionCode: string): Promise<RegionPlaces | null> {
    const known = this.byRegion.get(regionCode);
    if (known) return known.places;
    let asked = this.asking.get(regionCode);
    if (!asked) {
      asked = this.read(req, regionCode).finally(() => this.asking.delete(regionCode));
      this.asking.set(regionCode, asked);
    }
    return asked;
  }

  private async read(req: Request, regionCode: string): Promise<RegionPlaces | null> {
    try {
      const areas = await this.api.get<RegionAreas>(req, `/regions/${encodeURIComponent(regionCode)}/areas`);
      const places = new RegionPlaces(areas);
      this.byRegion.set(regionCode, { places });
      return places;
    } catch (e) {
      if (!(e instanceof ApiProblem) || e.status !== 404) throw e;
      this.byRegion.set(regionCode, { places: null }, { ttl: NO_LIST_TTL_MS });
      return null;
    }
  }
}
