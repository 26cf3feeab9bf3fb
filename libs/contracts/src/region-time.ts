/**
 * A region's local time. Deadlines, working days and the hour a digest goes out are all counted in the
 * region's own time zone, which its BPS code tells.
 */

/** Indonesia's three time zones by province code (first two digits of a BPS region code). */
export function utcOffsetHours(regionCode: string): number {
  const province = Number(regionCode.slice(0, 2));
  if (province >= 81) return 9; // Maluku, Papua: WIT
  if (
    (province >= 51 && province <= 53) ||
    (province >= 63 && province <= 65) ||
    (province >= 71 && province <= 76)
  )
    return 8; // WITA
  return 7; // WIB
}

/** The region's local calendar date (YYYY-MM-DD) at a moment. */
export function localDateIn(regionCode: string, at: Date): string {
  return new Date(at.getTime() + utcOffsetHours(regionCode) * 3_600_000).toISOString().slice(0, 10);
}

/** The region's local date and hour at a moment. */
export function localTimeIn(regionCode: string, at: Date): { date: string; hour: number } {
  const local = new Date(at.getTime() + utcOffsetHours(regionCode) * 3_600_000);
  return { date: local.toISOString().slice(0, 10), hour: local.getUTCHours() };
}
