import { CreateMessagingTables1763900000000 } from './1763900000000-CreateMessagingTables';

/** Add these before a service's own migrations. */
export const MESSAGING_MIGRATIONS = [CreateMessagingTables1763900000000];
