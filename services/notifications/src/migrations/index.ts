import { CreateNotificationsSchema1767400000000 } from './1767400000000-CreateNotificationsSchema';
import { DailyDigests1767500000000 } from './1767500000000-DailyDigests';
import { InterruptedSends1767600000000 } from './1767600000000-InterruptedSends';
import { NoticeTemplateVersions1767700000000 } from './1767700000000-NoticeTemplateVersions';

/**
 * The notifications service's own migrations, oldest first (<timestamp>-<Name>.ts beside this file).
 * The outbox tables come from @berkas/messaging and run before these.
 */
export const NOTIFICATIONS_MIGRATIONS = [
  CreateNotificationsSchema1767400000000,
  DailyDigests1767500000000,
  InterruptedSends1767600000000,
  NoticeTemplateVersions1767700000000,
];
