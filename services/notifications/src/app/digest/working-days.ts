import { Injectable } from '@nestjs/common';
import { ServiceClient } from '@berkas/messaging';

/** How long a region's year of days off is kept before it is asked again (an operator may add one). */
const KEEP_MS = 60 * 60_000;

/**
 * Whether a local date is a working day of a region: Monday to Friday less the days off permits keeps
 * for it (national holidays, cuti bersama, the region's own), asked once an hour per region and year.
 */
@Injectable()
export class WorkingDays {
  private readonly daysOff = new Map<string, { dates: Promise<Set<string>>; until: number }>();

  constructor(private readonly services: ServiceClient) {}

  async isWorkingDay(regionCode: string, date: string): Promise<boolean> {
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    if (weekday === 0 || weekday === 6) return false;
    return !(await this.daysOffIn(regionCode, Number(date.slice(0, 4)))).has(date);
  }

  private daysOffIn(regionCode: string, year: number): Promise<Set<string>> {
    const key = `${regionCode}/${year}`;
    const kept = this.daysOff.get(key);
    if (kept && kept.until > Date.now()) return kept.dates;
    const dates = this.services
      .request('permits.calendars.get', { regionCode, year }, { asService: true })
      .then((calendar) => new Set(calendar.days.map((d) => d.date)));
    // A failed ask is not kept: the next pass asks again.
    dates.catch(() => this.daysOff.delete(key));
    this.daysOff.set(key, { dates, until: Date.now() + KEEP_MS });
    return dates;
  }
}
