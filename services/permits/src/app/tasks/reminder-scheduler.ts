import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { PermitsEnv } from '@berkas/config';
import type { ReminderDue } from '@berkas/contracts';
import { DrainLoop, Outbox } from '@berkas/messaging';
import { dueDateIn, endOfLocalDay, type WorkingCalendar } from '../../domain/working-calendar';
import { CalendarService } from '../calendar/calendar.service';

/** The applicant is reminded this many working days before their correction deadline. */
export const CORRECTION_REMINDERS = [3, 1];
/** Deadlines further than this (calendar days) cannot be within three working days. */
const LOOK_AHEAD_DAYS = 14;

interface Candidate {
  key: string;
  regionCode: string;
  due: Date;
  reminder: Omit<ReminderDue, 'workingDaysLeft'>;
  thresholds: number[];
}

/**
 * Announces deadlines that are near, in the region's working days: an applicant's correction
 * deadline 3 and 1 working days before it, a task the working day before it is due. Each (deadline,
 * threshold) once, whichever replica sees it first: the key is claimed in the transaction that writes
 * the event. A threshold already passed when first seen (a short deadline) is not announced late:
 * only the nearest one is.
 */
@Injectable()
export class ReminderScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly loop: DrainLoop;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly calendars: CalendarService,
    private readonly outbox: Outbox,
    env: PermitsEnv,
  ) {
    this.loop = new DrainLoop(
      'Reminders',
      () => this.runOnce().then(() => undefined),
      env.slaScanSeconds * 1000,
    );
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass; answers the reminders it announced. */
  async runOnce(now = new Date()): Promise<ReminderDue[]> {
    const candidates = [...(await this.corrections(now)), ...(await this.tasks(now))];
    const calendars = new Map<string, WorkingCalendar>();
    const announced: ReminderDue[] = [];
    for (const c of candidates) {
      if (!calendars.has(c.regionCode))
        calendars.set(c.regionCode, await this.calendars.forRegion(c.regionCode));
      const left = (calendars.get(c.regionCode) as WorkingCalendar).workingDaysBetween(now, c.due);
      const reached = c.thresholds.filter((t) => left <= t);
      if (!reached.length) continue;
      const nearest = Math.min(...reached);
      const reminder: ReminderDue = { ...c.reminder, workingDaysLeft: left };
      const fresh = await this.dataSource.transaction(async (m) => {
        // Every threshold reached is settled now; only the nearest is announced.
        const claimed: Array<{ key: string }> = await m.query(
          `INSERT INTO reminders_sent (key) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING RETURNING key`,
          [reached.map((t) => `${c.key}:${t}`)],
        );
        if (!claimed.some((r) => r.key === `${c.key}:${nearest}`)) return false;
        await this.outbox.add(m, 'evt.permits.reminder-due', reminder, {
          source: '/berkas/permits',
          subject: c.reminder.applicationId,
        });
        return true;
      });
      if (fresh) announced.push(reminder);
    }
    return announced;
  }

  /** Files waiting on their applicant whose correction deadline is within reach. */
  private async corrections(now: Date): Promise<Candidate[]> {
    const rows: Array<{ id: string; region_code: string; due: string; returned_at: string }> =
      await this.dataSource.query(
        `SELECT id, region_code, correction->>'dueAt' AS due, correction->>'returnedAt' AS returned_at
         FROM applications
         WHERE status = 'returned' AND correction ? 'dueAt'
           AND (correction->>'dueAt')::date BETWEEN ($1::timestamptz)::date - 1 AND ($1::timestamptz)::date + $2::int`,
        [now, LOOK_AHEAD_DAYS],
      );
    return rows
      .map((r) => ({ ...r, dueEnd: endOfLocalDay(r.region_code, r.due) }))
      .filter((r) => r.dueEnd > now)
      .map((r) => ({
        key: `correction:${r.id}:${r.returned_at}`,
        regionCode: r.region_code,
        due: r.dueEnd,
        reminder: { kind: 'correction-deadline', applicationId: r.id, dueAt: r.due },
        thresholds: CORRECTION_REMINDERS,
      }));
  }

  /** Open tasks due within reach (each due date of a task once: a new due date is a new deadline). */
  private async tasks(now: Date): Promise<Candidate[]> {
    const rows: Array<{ id: string; application_id: string; region_code: string; due_at: Date }> =
      await this.dataSource.query(
        `SELECT t.id, t.application_id, a.region_code, t.due_at FROM tasks t JOIN applications a ON a.id = t.application_id
         WHERE t.status IN ('open', 'claimed') AND t.escalated_at IS NULL
           AND t.due_at > $1 AND t.due_at < $1::timestamptz + make_interval(days => $2)`,
        [now, LOOK_AHEAD_DAYS],
      );
    return rows.map((r) => {
      const dueAt = dueDateIn(r.region_code, r.due_at) as string;
      return {
        key: `task:${r.id}:${dueAt}`,
        regionCode: r.region_code,
        due: r.due_at,
        reminder: { kind: 'task-due', applicationId: r.application_id, taskId: r.id, dueAt },
        thresholds: [1],
      };
    });
  }
}
