import type { HandoffReceipt, NoticeFacts, ReminderDue, StaffRole, TaskOverdue } from '@berkas/contracts';

/** Who must hear a notice: looked up in identity as a group. */
export type Audience =
  | { applicantId: string; companyId: string | null }
  | { staffIds: string[] }
  | { role: { agencyId: string; role: StaffRole }; orRole?: StaffRole };

/** One notice owed to an audience, with what its templates fill in (the person's own name is added per person). */
export interface PlannedNotice {
  notice: string;
  audience: Audience;
  variables: Record<string, string>;
  /**
   * The variables that read differently in English (a permit type's or a stage's English name, a
   * date in English): laid over `variables` for a person who reads English, so their message does
   * not carry Indonesian words in English sentences.
   */
  english?: Record<string, string>;
  /** The file it is about, when there is one: its page lists the messages. */
  applicationId: string | null;
  /** Whose file it is and its region: who may read its messages. */
  file: FileOwner;
}

export interface FileOwner {
  applicantId: string | null;
  companyId: string | null;
  regionCode: string;
}

const rupiah = new Intl.NumberFormat('id-ID', {
  style: 'currency',
  currency: 'IDR',
  maximumFractionDigits: 0,
});

/** A due date (YYYY-MM-DD, the region's working day) as people read it: 4 Desember 2026, 4 December 2026. */
export function readableDate(date: string | null, language: 'id' | 'en' = 'id'): string {
  if (!date) return '-';
  return new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'id-ID', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${date}T00:00:00Z`));
}

const ownerOf = (facts: NoticeFacts): FileOwner => ({
  applicantId: facts.applicantId,
  companyId: facts.companyId,
  regionCode: facts.regionCode,
});

/** Message text keeps to one line per reason and to what a message can hold. */
const oneLine = (text: string | null | undefined, max = 300) => {
  const t = (text ?? '').replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t || '-';
};

/**
 * What a step of a file's history owes people (the facts permits gave for it): the applicant hears of
 * the receipt, the file found complete, a return with the officer's words, the levy bill, the decision
 * and a withdrawal; the officers of each task the step opened hear it is in their queue.
 */
export function noticesOfStep(facts: NoticeFacts, publicUrl: string): PlannedNotice[] {
  const { step } = facts;
  const tracking = facts.trackingNumber ?? '-';
  const file = {
    trackingNumber: tracking,
    permitType: facts.permitType.name.id,
    dueDate: readableDate(facts.dueAt),
  };
  const fileInEnglish = { permitType: facts.permitType.name.en, dueDate: readableDate(facts.dueAt, 'en') };
  const applicant: Audience = { applicantId: facts.applicantId, companyId: facts.companyId };
  const applicantLink = `${publicUrl}/permohonan/${facts.applicationId}`;
  const toApplicant = (
    notice: string,
    variables: Record<string, string> = {},
    english: Record<string, string> = {},
  ): PlannedNotice => ({
    notice,
    audience: applicant,
    variables: { ...file, link: applicantLink, ...variables },
    english: { ...fileInEnglish, ...english },
    applicationId: facts.applicationId,
    file: ownerOf(facts),
  });
  const out: PlannedNotice[] = [];
  const effects = new Set(step.effects);
  if (step.type === 'submitted') out.push(toApplicant('submitted'));
  if (step.completedFile) out.push(toApplicant('complete'));
  if (effects.has('returned-to-applicant') && facts.correction) {
    // What to fix by the names on the form, not by their codes.
    const { labels } = facts.correction;
    const listed = (language: 'id' | 'en') =>
      labels.length ? labels.map((l) => l[language]).join(', ') : '-';
    out.push(
      toApplicant(
        'returned',
        { reasons: oneLine(facts.correction.note ?? step.note), fixList: listed('id') },
        { fixList: listed('en') },
      ),
    );
  }
  if (facts.fee && !facts.fee.paid && step.opened.includes(facts.fee.stage))
    out.push(
      toApplicant('bill-issued', {
        amount: rupiah.format(facts.fee.amount),
        billNumber: facts.fee.billNumber,
      }),
    );
  if (effects.has('finished-issued') && facts.permit)
    out.push(toApplicant('issued', { permitNumber: facts.permit.number }));
  if (effects.has('finished-rejected')) out.push(toApplicant('rejected', { reasons: oneLine(step.note) }));
  if (step.type === 'withdrawn') out.push(toApplicant('withdrawn'));
  for (const task of facts.openTasks) {
    const reassignedHere = step.type === 'reassigned' && step.taskId === task.taskId;
    if (!step.opened.includes(task.stage) && !reassignedHere) continue;
    out.push({
      notice: 'task-queued',
      audience: task.assigneeId
        ? { staffIds: [task.assigneeId] }
        : { role: { agencyId: task.agencyId, role: task.role } },
      variables: {
        ...file,
        stage: task.label.id,
        dueDate: readableDate(task.dueAt),
        link: `${publicUrl}/meja/berkas/${facts.applicationId}`,
      },
      english: { ...fileInEnglish, stage: task.label.en, dueDate: readableDate(task.dueAt, 'en') },
      applicationId: facts.applicationId,
      file: ownerOf(facts),
    });
  }
  return out;
}

/** An overdue task escalated: the agency's supervisors hear of it (the file, from permits' facts). */
export function noticesOfEscalation(
  overdue: TaskOverdue,
  facts: NoticeFacts,
  publicUrl: string,
): PlannedNotice[] {
  if (!overdue.escalatedTo.length) return [];
  const task = facts.openTasks.find((t) => t.taskId === overdue.taskId);
  // The action by its stage's name for it (an event from before labels came has only the action's).
  const action = overdue.automaticAction
    ? (overdue.automaticActionLabel ?? { id: overdue.automaticAction, en: overdue.automaticAction })
    : null;
  return [
    {
      notice: 'task-escalated',
      audience: { staffIds: overdue.escalatedTo },
      variables: {
        trackingNumber: facts.trackingNumber ?? '-',
        permitType: facts.permitType.name.id,
        stage: task?.label.id ?? overdue.stage,
        dueDate: readableDate(overdue.dueAt),
        automaticAction: action ? ` Tindakan otomatis diterapkan: ${action.id}.` : '',
        link: `${publicUrl}/meja/eskalasi`,
      },
      english: {
        permitType: facts.permitType.name.en,
        stage: task?.label.en ?? overdue.stage,
        dueDate: readableDate(overdue.dueAt, 'en'),
        automaticAction: action ? ` Automatic action taken: ${action.en}.` : '',
      },
      applicationId: facts.applicationId,
      file: ownerOf(facts),
    },
  ];
}

/**
 * A deadline near: the applicant's correction deadline (while the file still waits on them), or a
 * task due the next working day (while it is still open), to whoever holds it or its role.
 */
export function noticesOfReminder(
  reminder: ReminderDue,
  facts: NoticeFacts,
  publicUrl: string,
): PlannedNotice[] {
  const variables = {
    trackingNumber: facts.trackingNumber ?? '-',
    permitType: facts.permitType.name.id,
    dueDate: readableDate(reminder.dueAt),
    daysLeft: String(reminder.workingDaysLeft),
  };
  const english = { permitType: facts.permitType.name.en, dueDate: readableDate(reminder.dueAt, 'en') };
  if (reminder.kind === 'correction-deadline') {
    if (facts.status !== 'returned') return [];
    return [
      {
        notice: 'correction-reminder',
        audience: { applicantId: facts.applicantId, companyId: facts.companyId },
        variables: { ...variables, link: `${publicUrl}/permohonan/${facts.applicationId}` },
        english,
        applicationId: facts.applicationId,
        file: ownerOf(facts),
      },
    ];
  }
  const task = facts.openTasks.find((t) => t.taskId === reminder.taskId);
  if (!task) return [];
  return [
    {
      notice: 'task-due',
      audience: task.assigneeId
        ? { staffIds: [task.assigneeId] }
        : { role: { agencyId: task.agencyId, role: task.role } },
      variables: {
        ...variables,
        stage: task.label.id,
        link: `${publicUrl}/meja/berkas/${facts.applicationId}`,
      },
      english: { ...english, stage: task.label.en },
      applicationId: facts.applicationId,
      file: ownerOf(facts),
    },
  ];
}

/**
 * A paper dossier on its way: the receiving agency's front office hears it is coming (its supervisors
 * where it has none); a refused one: the officer who sent it.
 */
export function noticesOfHandoff(receipt: HandoffReceipt, publicUrl: string): PlannedNotice[] {
  const variables = {
    trackingNumber: receipt.trackingNumber,
    fromAgency: receipt.from.name,
    toAgency: receipt.to.name,
    items: String(receipt.items.length),
    link: `${publicUrl}/berkas/${receipt.trackingNumber}`,
  };
  if (receipt.status === 'in-transit')
    return [
      {
        notice: 'dossier-sent',
        audience: { role: { agencyId: receipt.to.id, role: 'front-office' }, orRole: 'supervisor' },
        variables,
        applicationId: null,
        file: { applicantId: null, companyId: null, regionCode: receipt.to.regionCode },
      },
    ];
  if (receipt.status === 'refused' && receipt.sentBy.kind === 'staff')
    return [
      {
        notice: 'handoff-refused',
        audience: { staffIds: [receipt.sentBy.id] },
        variables: { ...variables, reasons: oneLine(receipt.refusalReason) },
        applicationId: null,
        file: { applicantId: null, companyId: null, regionCode: receipt.from.regionCode },
      },
    ];
  return [];
}
