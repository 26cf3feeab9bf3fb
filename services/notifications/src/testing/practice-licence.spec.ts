// A fixture of notifications' specs, not a spec itself (see notifications-under-test.spec.ts).
import { randomUUID } from 'node:crypto';
import type { NoticeFacts } from '@berkas/contracts';

/**
 * What permits tells of a step of Siti Aminah's practice licence (at the front office's verification
 * unless `step` says otherwise): a new file id each time unless `over` gives one.
 */
export function practiceLicence(
  step: Partial<NoticeFacts['step']> = {},
  over: Partial<NoticeFacts> = {},
): NoticeFacts {
  return {
    applicationId: randomUUID(),
    trackingNumber: '3271-26-7K4Q-X9M2-H',
    permitType: { code: 'SIP', name: { id: 'Surat Izin Praktik', en: 'Practice licence' } },
    regionCode: '3271',
    applicantId: randomUUID(),
    companyId: null,
    holderName: 'Siti Aminah',
    status: 'in-review',
    dueAt: '2026-12-14',
    step: {
      seq: 2,
      type: 'action',
      occurredAt: new Date().toISOString(),
      stage: 'verification',
      action: null,
      note: null,
      effects: [],
      opened: [],
      completedFile: false,
      taskId: null,
      ...step,
    },
    correction: null,
    fee: null,
    permit: null,
    openTasks: [],
    ...over,
  };
}
