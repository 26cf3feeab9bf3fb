import type { ReminderDue } from '@berkas/contracts';
import {
  startPermitsUnderTest,
  type Person,
  type PermitsUnderTest,
} from '../../testing/permits-under-test.spec';
import { CalendarService } from '../calendar/calendar.service';
import { endOfLocalDay } from '../../domain/working-calendar';
import { ReminderScheduler } from './reminder-scheduler';

// Deadlines announced on the region's working days, on real PostgreSQL: an applicant's correction
// deadline 3 and 1 working days before it, a task the working day before it is due; each once.
describe('reminders of deadlines', () => {
  let t: PermitsUnderTest;
  let rina: Person;
  let reminders: ReminderScheduler;

  beforeAll(async () => {
    t = await startPermitsUnderTest();
    rina = await t.officer('DPMPTSP', ['front-office']);
    reminders = t.service(ReminderScheduler);
  });
  afterEach(async () => {
    t.responder.clearCalls();
    await t.verify();
  });
  afterAll(() => t?.stop());

  /** The moment `n` working days (of region 3271) before the end of `date`, at 09:00 local time. */
  async function workingDaysBefore(date: string, n: number): Promise<Date> {
    const calendar = await t.service(CalendarService).forRegion('3271');
    const end = endOfLocalDay('3271', date);
    for (let day = new Date(end.getTime() - 86_400_000); ; day = new Date(day.getTime() - 86_400_000)) {
      const at = new Date(Date.parse(`${day.toISOString().slice(0, 10)}T02:00:00Z`)); // 09:00 WIB
      if (calendar.workingDaysBetween(at, end) >= n && calendar.isWorkingDay(at.toISOString().slice(0, 10)))
        return at;
    }
  }

  const ofApp = (all: ReminderDue[], id: string) => all.filter((r) => r.applicationId === id);

  it('reminds the applicant 3 and 1 working days before their correction deadline, once each', async () => {
    const app = await t.submittedSip();
    const returned = await t.client.request(
      'permits.tasks.act',
      {
        id: app.submitted.openTasks[0].id,
        action: 'return',
        note: 'STR buram',
        reason: 'dokumen-tidak-terbaca',
      },
      rina.token,
    );
    const due = returned.correction!.dueAt!;
    // Ten working days from today by default, a working day itself.
    const calendar = await t.service(CalendarService).forRegion('3271');
    expect(calendar.isWorkingDay(due)).toBe(true);
    expect(calendar.workingDaysBetween(new Date(), endOfLocalDay('3271', due))).toBe(10);

    expect(ofApp(await reminders.runOnce(new Date()), app.id)).toEqual([]);
    const threeBefore = await workingDaysBefore(due, 3);
    expect(ofApp(await reminders.runOnce(threeBefore), app.id)).toEqual([
      { kind: 'correction-deadline', applicationId: app.id, dueAt: due, workingDaysLeft: 3 },
    ]);
    expect(ofApp(await reminders.runOnce(threeBefore), app.id)).toEqual([]);
    const oneBefore = await workingDaysBefore(due, 1);
    expect(ofApp(await reminders.runOnce(oneBefore), app.id)).toEqual([
      expect.objectContaining({ kind: 'correction-deadline', workingDaysLeft: 1 }),
    ]);
    expect(ofApp(await reminders.runOnce(oneBefore), app.id)).toEqual([]);
    // Each went out as an event, for the notifications service.
    const events: Array<{ data: ReminderDue }> = await t.db.query(
      `SELECT payload->'data' AS data FROM outbox WHERE subject = 'evt.permits.reminder-due'
       AND payload->'data'->>'applicationId' = $1`,
      [app.id],
    );
    expect(events.map((e) => e.data.workingDaysLeft)).toEqual([3, 1]);
  });

  it('reminds the officers of a task the working day before it is due, and not again', async () => {
    const app = await t.submittedSip();
    const task = app.submitted.openTasks[0];
    const dueDate = task.dueAt as string;
    const dayBefore = await workingDaysBefore(dueDate, 1);
    const twoBefore = await workingDaysBefore(dueDate, 2);
    expect(ofApp(await reminders.runOnce(twoBefore), app.id)).toEqual([]);
    expect(ofApp(await reminders.runOnce(dayBefore), app.id)).toEqual([
      { kind: 'task-due', applicationId: app.id, taskId: task.id, dueAt: dueDate, workingDaysLeft: 1 },
    ]);
    expect(ofApp(await reminders.runOnce(dayBefore), app.id)).toEqual([]);
  });
});
