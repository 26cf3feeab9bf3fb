import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  dueDateIn,
  dueStateOf,
  localYearIn,
  SlaClock,
  utcOffsetHours,
  WorkingCalendar,
} from './working-calendar';

const seed = JSON.parse(readFileSync(join(__dirname, '../../data/holidays-id.json'), 'utf8')) as {
  years: Record<string, { holidays: Array<{ date: string; kind: string }> }>;
};
const holidays = Object.values(seed.years).flatMap((y) => y.holidays.map((h) => h.date));
const bogor = new WorkingCalendar(holidays, utcOffsetHours('3271'));
/** A moment in Bogor local time (WIB, UTC+7). */
const wib = (local: string) => new Date(`${local}+07:00`);
const endOf = (date: string) => wib(`${date}T23:59:59.999`);

describe('working calendar', () => {
  it('knows weekends, national holidays and collective leave from the seeded decree', () => {
    expect(bogor.isWorkingDay('2026-11-23')).toBe(true); // Monday
    expect(bogor.isWorkingDay('2026-11-21')).toBe(false); // Saturday
    expect(bogor.isWorkingDay('2026-01-01')).toBe(false); // Tahun Baru
    const cuti = Object.values(seed.years)
      .flatMap((y) => y.holidays)
      .find((h) => h.kind === 'collective_leave')!;
    expect(bogor.isWorkingDay(cuti.date)).toBe(false);
  });

  it('counts from the day after the start and is due at the end of the last working day', () => {
    expect(bogor.addWorkingDays(wib('2026-11-23T10:00'), 1)).toEqual(endOf('2026-11-24'));
    expect(bogor.addWorkingDays(wib('2026-11-20T16:00'), 1)).toEqual(endOf('2026-11-23')); // Friday → Monday
    expect(bogor.addWorkingDays(wib('2026-11-23T10:00'), 5)).toEqual(endOf('2026-11-30'));
    expect(bogor.addWorkingDays(wib('2026-11-23T10:00'), 0)).toEqual(endOf('2026-11-23'));
  });

  it('skips Christmas, its cuti bersama, New Year and Isra Mikraj across the year end', () => {
    // Wed 23 Dec 2026: 24 (cuti bersama) and 25 (Natal) are off, then the weekend: Mon 28, Tue 29, Wed 30.
    expect(bogor.addWorkingDays(wib('2026-12-23T09:00'), 3)).toEqual(endOf('2026-12-30'));
    // Wed 30 Dec 2026: Thu 31; 1 Jan (Tahun Baru) off; weekend; Mon 4; 5 Jan (Isra Mikraj 2027) off; Wed 6.
    expect(bogor.addWorkingDays(wib('2026-12-30T09:00'), 3)).toEqual(endOf('2027-01-06'));
  });

  it('uses local time: 23:30 WIB on Monday is still Monday, whatever UTC says', () => {
    expect(dueDateIn('3271', new Date('2026-11-23T16:30:00Z'))).toBe('2026-11-23');
    expect(dueDateIn('3271', new Date('2026-11-23T17:30:00Z'))).toBe('2026-11-24');
    expect(utcOffsetHours('5171')).toBe(8); // Denpasar, WITA
    expect(utcOffsetHours('9471')).toBe(9); // Jayapura, WIT
  });

  it('counts a number issued early on 1 January in the new local year, not the UTC one', () => {
    const newYearsMorningWib = new Date('2026-12-31T18:30:00Z'); // 01:30 WIB on 1 January 2027
    expect(localYearIn('3271', newYearsMorningWib)).toBe(2027);
    expect(localYearIn('3271', new Date('2026-12-31T16:59:59Z'))).toBe(2026); // 23:59:59 WIB
    expect(localYearIn('9471', new Date('2026-12-31T15:00:00Z'))).toBe(2027); // 00:00 WIT
  });

  it('names a due moment by its local date, in each of the three time zones', () => {
    const due = bogor.addWorkingDays(wib('2026-11-23T10:00'), 5); // 23:59:59.999 WIB = 16:59:59.999 UTC
    expect(dueDateIn('3271', due)).toBe('2026-11-30');
    // The same instant is already the next day in Makassar (WITA) and Jayapura (WIT).
    expect(dueDateIn('7371', due)).toBe('2026-12-01');
    expect(dueDateIn('9471', due)).toBe('2026-12-01');
    expect(dueDateIn('3271', null)).toBeNull();
  });

  it('counts working days between two moments', () => {
    expect(bogor.workingDaysBetween(wib('2026-11-20T09:00'), wib('2026-11-23T09:00'))).toBe(1);
    expect(bogor.workingDaysBetween(wib('2026-11-23T09:00'), wib('2026-11-23T17:00'))).toBe(0);
    expect(bogor.workingDaysBetween(wib('2026-11-23T09:00'), wib('2026-11-20T09:00'))).toBe(0);
  });
});

describe('SLA clock', () => {
  it('stops while the file waits on the applicant and carries the remaining days', () => {
    let clock = new SlaClock(5).start(wib('2026-11-23T10:00')); // Monday: due Monday 30th
    expect(clock.dueAt(bogor)).toEqual(endOf('2026-11-30'));
    clock = clock.pause(wib('2026-11-25T15:00')); // Wednesday: 2 days used (Tue, Wed)
    expect(clock.used(bogor)).toBe(2);
    expect(clock.dueAt(bogor)).toBeNull();
    expect(clock.isOverdue(bogor, wib('2027-06-01T00:00'))).toBe(false);
    clock = clock.start(wib('2026-12-02T08:00')); // resumed Wednesday the 2nd: 3 days left
    expect(clock.dueAt(bogor)).toEqual(endOf('2026-12-07'));
    expect(clock.isOverdue(bogor, wib('2026-12-07T23:00'))).toBe(false);
    expect(clock.isOverdue(bogor, wib('2026-12-08T00:00'))).toBe(true);
  });

  it('is due at once when the budget is spent before a pause', () => {
    const clock = new SlaClock(1)
      .start(wib('2026-11-23T10:00'))
      .pause(wib('2026-11-26T10:00'))
      .start(wib('2026-11-27T10:00'));
    expect(clock.dueAt(bogor)).toEqual(endOf('2026-11-27'));
  });
});

describe('due state of a task', () => {
  const friday = wib('2026-11-27T10:00:00');
  it('counts working days, so a task due on Monday is due soon on the Friday before', () => {
    expect(dueStateOf(bogor, endOf('2026-11-30'), friday)).toEqual({ state: 'due-soon', workingDaysLeft: 1 });
    expect(dueStateOf(bogor, endOf('2026-11-27'), friday)).toEqual({ state: 'due-soon', workingDaysLeft: 0 });
    expect(dueStateOf(bogor, endOf('2026-12-02'), friday)).toEqual({ state: 'on-time', workingDaysLeft: 3 });
  });

  it('says overdue past the due day, and waiting when no clock runs yet', () => {
    expect(dueStateOf(bogor, endOf('2026-11-26'), friday)).toEqual({ state: 'overdue', workingDaysLeft: 0 });
    expect(dueStateOf(bogor, null, friday)).toEqual({ state: 'waiting', workingDaysLeft: null });
  });
});
