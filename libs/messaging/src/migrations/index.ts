import { CreateMessagingTables1763900000000 } from './1763900000000-CreateMessagingTables';
import { CreateIdempotencyKeys1764000000001 } from './1764000000001-CreateIdempotencyKeys';
import { NotifyOutboxByTrigger1764100000001 } from './1764100000001-NotifyOutboxByTrigger';

/** Add these before a service's own migrations. */
export const MESSAGING_MIGRATIONS = [
  CreateMessagingTables1763900000000,
  CreateIdempotencyKeys1764000000001,
  NotifyOutboxByTrigger1764100000001,
];
