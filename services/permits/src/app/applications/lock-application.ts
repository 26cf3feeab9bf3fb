import type { EntityManager } from 'typeorm';
import { ApplicationRecord } from './application.entity';

/** The application row, locked for the rest of the transaction: every change to a file queues here. */
export function lockApplication(m: EntityManager, id: string): Promise<ApplicationRecord | null> {
  return m.findOne(ApplicationRecord, { where: { id }, lock: { mode: 'pessimistic_write' } });
}

/** The same, for an id that must exist (a task's own application). */
export function lockExistingApplication(m: EntityManager, id: string): Promise<ApplicationRecord> {
  return m.findOneOrFail(ApplicationRecord, { where: { id }, lock: { mode: 'pessimistic_write' } });
}
