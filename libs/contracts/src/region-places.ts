import type { AreaPlace, RegionAreas } from './generated';

/** A kecamatan (32.71.01) or kelurahan/desa (32.71.01.1001) code, as proto's AreaCode has it. */
export const AREA_CODE = /^[0-9]{2}\.[0-9]{2}\.[0-9]{2}(\.[0-9]{4})?$/;

/** Each kelurahan/desa of a region's list by its code, with its kecamatan's name. */
export function placesByCode(areas: Pick<RegionAreas, 'districts'>): Map<string, AreaPlace> {
  const places = new Map<string, AreaPlace>();
  for (const d of areas.districts)
    for (const v of d.villages) places.set(v.code, { code: v.code, village: v.name, district: d.name });
  return places;
}
