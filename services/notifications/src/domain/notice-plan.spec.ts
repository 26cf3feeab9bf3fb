import type { NoticeFacts } from '@berkas/contracts';
import { practiceLicence } from '../testing/practice-licence.spec';
import { noticesOfEscalation, noticesOfReminder, noticesOfStep } from './notice-plan';

const URL = 'https://berkas.example.id';
const task = {
  taskId: '00000000-0000-4000-8000-0000000000a1',
  stage: 'verification',
  label: { id: 'Verifikasi kelengkapan berkas', en: 'Completeness check' },
  agencyId: '00000000-0000-4000-8000-0000000000b1',
  agencyCode: 'DPMPTSP',
  role: 'front-office' as const,
  assigneeId: null,
  dueAt: '2026-12-02',
};

/** A step of Siti's file, fixed in time and ids so the links and audiences can be compared. */
const facts = (step: Partial<NoticeFacts['step']>, over: Partial<NoticeFacts> = {}): NoticeFacts =>
  practiceLicence(
    { occurredAt: '2026-11-27T03:00:00.000Z', ...step },
    {
      applicationId: '00000000-0000-4000-8000-0000000000c1',
      applicantId: '00000000-0000-4000-8000-0000000000d1',
      ...over,
    },
  );

const kinds = (f: NoticeFacts) => noticesOfStep(f, URL).map((n) => n.notice);

describe('what a step of a file owes people', () => {
  it('a submission: the applicant hears it was received, the front office that it is in its queue', () => {
    const f = facts(
      { type: 'submitted', effects: ['open-task'], opened: ['verification'] },
      { openTasks: [task] },
    );
    const [received, queued] = noticesOfStep(f, URL);
    expect(received).toMatchObject({
      notice: 'submitted',
      audience: { applicantId: f.applicantId, companyId: null },
      variables: { trackingNumber: f.trackingNumber, link: `${URL}/permohonan/${f.applicationId}` },
    });
    expect(queued).toMatchObject({
      notice: 'task-queued',
      audience: { role: { agencyId: task.agencyId, role: 'front-office' } },
      variables: {
        stage: 'Verifikasi kelengkapan berkas',
        dueDate: '2 Desember 2026',
        link: `${URL}/meja/berkas/${f.applicationId}`,
      },
    });
    // For a person who reads English, the names and the date read in English too.
    expect(queued.english).toEqual({
      permitType: f.permitType.name.en,
      stage: 'Completeness check',
      dueDate: '2 December 2026',
    });
    expect(received.english).toMatchObject({ permitType: f.permitType.name.en });
  });

  it('a return: the officer’s words and the fix list, the task closed owes nobody', () => {
    const f = facts(
      { effects: ['close-task', 'returned-to-applicant'] },
      {
        status: 'returned',
        correction: {
          note: 'STR\n buram',
          fields: ['strNumber'],
          documents: ['certificate'],
          labels: [
            { id: 'Nomor STR', en: 'STR number' },
            { id: 'Ijazah', en: 'Diploma' },
          ],
          stage: 'verification',
          agencyCode: 'DPMPTSP',
        },
      },
    );
    const [returned] = noticesOfStep(f, URL);
    // What to fix by the names the applicant reads on the form, in their language, not the codes.
    expect(returned).toMatchObject({
      notice: 'returned',
      variables: { reasons: 'STR buram', fixList: 'Nomor STR, Ijazah' },
      english: { fixList: 'STR number, Diploma' },
    });
    expect(kinds(f)).toEqual(['returned']);
  });

  it('the file found complete, a bill, the permit, a rejection, a withdrawal', () => {
    expect(
      kinds(facts({ completedFile: true, effects: ['close-task', 'open-task'], opened: ['review'] })),
    ).toEqual(['complete']);
    const billed = facts(
      { effects: ['open-task'], opened: ['payment'] },
      {
        fee: { stage: 'payment', amount: 150000, currency: 'IDR', billNumber: 'SKRD/2026/0001', paid: false },
      },
    );
    expect(noticesOfStep(billed, URL)[0]).toMatchObject({
      notice: 'bill-issued',
      variables: { billNumber: 'SKRD/2026/0001' },
    });
    expect(noticesOfStep(billed, URL)[0].variables.amount).toMatch(/^Rp\s?150\.000$/);
    expect(
      noticesOfStep(
        facts({ effects: ['finished-issued'] }, { permit: { number: '503/0001/SIP/DPMPTSP-3271/2026' } }),
        URL,
      )[0],
    ).toMatchObject({ notice: 'issued', variables: { permitNumber: '503/0001/SIP/DPMPTSP-3271/2026' } });
    expect(kinds(facts({ effects: ['finished-rejected'], note: 'Tidak memenuhi syarat' }))).toEqual([
      'rejected',
    ]);
    expect(kinds(facts({ type: 'withdrawn', effects: ['finished-withdrawn'] }))).toEqual(['withdrawn']);
  });

  it('a task given to an officer: that officer hears, not the whole role', () => {
    const given = { ...task, assigneeId: '00000000-0000-4000-8000-0000000000e1' };
    const f = facts({ type: 'reassigned', taskId: given.taskId }, { openTasks: [given] });
    expect(noticesOfStep(f, URL)).toEqual([
      expect.objectContaining({ notice: 'task-queued', audience: { staffIds: [given.assigneeId] } }),
    ]);
  });
});

describe('what a reminder owes', () => {
  const reminder = {
    kind: 'correction-deadline' as const,
    applicationId: '00000000-0000-4000-8000-0000000000c1',
    dueAt: '2026-12-11',
    workingDaysLeft: 3,
  };
  it('reminds the applicant only while the file waits on them', () => {
    expect(noticesOfReminder(reminder, facts({}, { status: 'returned' }), URL)).toEqual([
      expect.objectContaining({
        notice: 'correction-reminder',
        variables: expect.objectContaining({ daysLeft: '3' }),
      }),
    ]);
    expect(noticesOfReminder(reminder, facts({}, { status: 'in-review' }), URL)).toEqual([]);
  });
  it('reminds officers of a task only while it is open', () => {
    const due = {
      kind: 'task-due' as const,
      applicationId: reminder.applicationId,
      taskId: task.taskId,
      dueAt: '2026-12-02',
      workingDaysLeft: 1,
    };
    expect(noticesOfReminder(due, facts({}, { openTasks: [task] }), URL)[0]).toMatchObject({
      notice: 'task-due',
    });
    expect(noticesOfReminder(due, facts({}, { openTasks: [] }), URL)).toEqual([]);
  });
});

describe('what an overdue task owes', () => {
  const overdue = {
    taskId: task.taskId,
    applicationId: '00000000-0000-4000-8000-0000000000c1',
    stage: 'verification',
    agencyCode: 'DPMPTSP',
    dueAt: '2026-12-02',
    escalatedTo: ['00000000-0000-4000-8000-0000000000d1'],
    automaticAction: 'recommend',
    automaticActionLabel: { id: 'Rekomendasikan', en: 'Recommend' },
  };

  it('the supervisors hear of it, the action the stage took by itself named as the stage names it', () => {
    const [escalated] = noticesOfEscalation(overdue, facts({}, { openTasks: [task] }), URL);
    expect(escalated).toMatchObject({
      notice: 'task-escalated',
      audience: { staffIds: overdue.escalatedTo },
      variables: {
        stage: 'Verifikasi kelengkapan berkas',
        automaticAction: ' Tindakan otomatis diterapkan: Rekomendasikan.',
      },
      english: { stage: 'Completeness check', automaticAction: ' Automatic action taken: Recommend.' },
    });
    // An event from before the label came: the action's name stands in.
    const { automaticActionLabel: _, ...older } = overdue;
    expect(noticesOfEscalation(older, facts({}, { openTasks: [task] }), URL)[0].english).toMatchObject({
      automaticAction: ' Automatic action taken: recommend.',
    });
    expect(noticesOfEscalation({ ...overdue, escalatedTo: [] }, facts({}), URL)).toEqual([]);
  });
});
