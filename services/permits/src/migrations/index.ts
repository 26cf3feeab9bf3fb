import { CreatePermitsSchema1763930000000 } from './1763930000000-CreatePermitsSchema';
import { KeysetTaskQueues1764100000000 } from './1764100000000-KeysetTaskQueues';
import { IssuedPermitAuthority1764300000000 } from './1764300000000-IssuedPermitAuthority';
import { WorkflowOwnerAgencyCode1764400000000 } from './1764400000000-WorkflowOwnerAgencyCode';
import { DammTrackingNumbers1764500000000 } from './1764500000000-DammTrackingNumbers';
import { IssuingOfficeNumbers1764600000000 } from './1764600000000-IssuingOfficeNumbers';

import { ApplicationCorrections1765000000000 } from './1765000000000-ApplicationCorrections';
import { CounterEntries1767000000000 } from './1767000000000-CounterEntries';
import { FollowUpQueues1767000000001 } from './1767000000001-FollowUpQueues';
import { PaperWhereabouts1767100000000 } from './1767100000000-PaperWhereabouts';
import { TaskAttachments1767200000000 } from './1767200000000-TaskAttachments';
import { ApplicationAreas1767300000000 } from './1767300000000-ApplicationAreas';
import { RemindersSent1767400000000 } from './1767400000000-RemindersSent';

/**
 * The permits service's own migrations, oldest first (<timestamp>-<Name>.ts beside this file).
 * The outbox tables come from @berkas/messaging and run before these.
 */
export const PERMITS_MIGRATIONS = [
  CreatePermitsSchema1763930000000,
  KeysetTaskQueues1764100000000,
  IssuedPermitAuthority1764300000000,
  WorkflowOwnerAgencyCode1764400000000,
  DammTrackingNumbers1764500000000,
  IssuingOfficeNumbers1764600000000,
  ApplicationCorrections1765000000000,
  CounterEntries1767000000000,
  FollowUpQueues1767000000001,
  PaperWhereabouts1767100000000,
  TaskAttachments1767200000000,
  ApplicationAreas1767300000000,
  RemindersSent1767400000000,
];
