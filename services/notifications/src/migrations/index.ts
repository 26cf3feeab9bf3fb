import { CreateNotificationsSchema1767400000000 } from './1767400000000-CreateNotificationsSchema';
import { DailyDigests1767500000000 } from './1767500000000-DailyDigests';

/**
 * The notifications service's own migrations, oldest first (<timestamp>-<Name>.ts beside this file).
 * The outbox tables come from @berkas/messaging and run before these.
 */
export const NOTIFICATIONS_MIGRATIONS = [CreateNotificationsSchema1767400000000, DailyDigests1767500000000];
