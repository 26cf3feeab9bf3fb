/**
 * Working days (hari kerja) for SLA clocks: Monday to Friday, less national holidays and collective
 * leave (cuti bersama) from the region's calendar, counted in the region's local time.
 *
 * Counting rule, as service standards read ("N hari kerja sejak berkas lengkap dan benar"): the day
 * the clock starts does not count; the due moment is the end of the Nth working day after it. A
 * clock paused (waiting on the applicant) counts the working days after its start up to the day it
 * paused; resumed, it counts again from the day after it resumed.
 */

import { localDateIn, utcOffsetHours } from '@berkas/contracts';

export { localDateIn, utcOffsetHours };

const DAY_MS = 86_400_000;

/**
 * The region's local calendar date of a due moment. Due moments are always the end of a local working
 * day, so the date says all of it: replies carry it as a date, the same everywhere (DueDate).
 */
export function dueDateIn(regionCode: string, due: Date | null): string | null {
  return due ? localDateIn(regionCode, due) : null;
}

/** The end (last millisecond) of a local calendar date in the region: when something due that day is late. */
export function endOfLocalDay(regionCode: string, date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS - utcOffsetHours(regionCode) * 3_600_000 - 1);
}

/** The region's local year at a moment: what a number issued then is counted in. */
export function localYearIn(regionCode: string, at: Date): number {
  return Number(localDateIn(regionCode, at).slice(0, 4));
}

/** A calendar day as days since 1970-01-01 in local time. */
type DayNumber = number;

export class WorkingCalendar {
  private readonly offsetMs: number;
  private readonly holidays: Set<DayNumber>;

  constructor(holidayDates: Iterable<string>, offsetHours: number) {
    this.offsetMs = offsetHours * 3_600_000;
    this.holidays = new Set([...holidayDates].map((d) => Date.parse(`${d}T00:00:00Z`) / DAY_MS));
  }

  private dayOf(instant: Date): DayNumber {
    return Math.floor((instant.getTime() + this.offsetMs) / DAY_MS);
  }

  private isWorking(day: DayNumber): boolean {
    const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday (4)
    return weekday !== 0 && weekday !== 6 && !this.holidays.has(day);
  }

  isWorkingDay(date: string): boolean {
    return this.isWorking(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
  }

  /** The end (last millisecond, local time) of the `n`th working day after `start`'s day. */
  addWorkingDays(start: Date, n: number): Date {
    if (!Number.isInteger(n) || n < 0) throw new Error(`working days must be a whole number ≥ 0, got ${n}`);
    let day = this.dayOf(start);
    for (let counted = 0; counted < n;) {
      day++;
      if (this.isWorking(day)) counted++;
    }
    return new Date((day + 1) * DAY_MS - this.offsetMs - 1);
  }

  /** Working days after `from`'s day up to and including `to`'s day (0 when `to` is not later). */
  workingDaysBetween(from: Date, to: Date): number {
    let count = 0;
    for (let day = this.dayOf(from) + 1, last = this.dayOf(to); day <= last; day++)
      if (this.isWorking(day)) count++;
    return count;
  }
}

/** One running or finished stretch of an SLA clock. */
export interface ClockSegment {
  start: Date;
  end: Date | null;
}

/**
 * An SLA budget in working days, run in segments: paused while the file waits on the applicant,
 * resumed when they answer. `dueAt` is null while paused (no deadline runs against the office).
 */
export class SlaClock {
  constructor(
    readonly budgetDays: number,
    readonly segments: ClockSegment[] = [],
  ) {}

  get running(): boolean {
    return this.segments.at(-1)?.end === null;
  }

  start(at: Date): SlaClock {
    if (this.running) return this;
    return new SlaClock(this.budgetDays, [...this.segments, { start: at, end: null }]);
  }

  pause(at: Date): SlaClock {
    const current = this.segments.at(-1);
    if (!current || current.end !== null) return this;
    return new SlaClock(this.budgetDays, [...this.segments.slice(0, -1), { start: current.start, end: at }]);
  }

  /** Working days spent in finished segments. */
  used(calendar: WorkingCalendar): number {
    return this.segments.reduce((n, s) => n + (s.end ? calendar.workingDaysBetween(s.start, s.end) : 0), 0);
  }

  dueAt(calendar: WorkingCalendar): Date | null {
    const current = this.segments.at(-1);
    if (!current || current.end !== null) return null;
    return calendar.addWorkingDays(current.start, Math.max(0, this.budgetDays - this.used(calendar)));
  }

  isOverdue(calendar: WorkingCalendar, now: Date): boolean {
    const due = this.dueAt(calendar);
    return !!due && now > due;
  }
}

/** Where a task stands against its due date, in working days, as an inbox row says it. */
export type DueState = 'waiting' | 'on-time' | 'due-soon' | 'overdue';

/**
 * A task's due state at `now`: no due date yet (its clock waits for the paper dossier), past it,
 * due today or on the next working day, or on time; with the working days left after today.
 */
export function dueStateOf(
  calendar: WorkingCalendar,
  dueAt: Date | null,
  now: Date,
): { state: DueState; workingDaysLeft: number | null } {
  if (!dueAt) return { state: 'waiting', workingDaysLeft: null };
  if (dueAt.getTime() < now.getTime()) return { state: 'overdue', workingDaysLeft: 0 };
  const left = calendar.workingDaysBetween(now, dueAt);
  return { state: left <= 1 ? 'due-soon' : 'on-time', workingDaysLeft: left };
}
