import { capacityFor, type Capacity } from '@berkas/auth';
import { AppError, type Principal } from '@berkas/contracts';
import type { TaskRecord } from './task.entity';

export const noTask = () => new AppError('NOT_FOUND', 404, 'No such task');

/**
 * The officer's capacity for a task: whoever does not hold its role in its agency (an applicant
 * too) is refused the same way whether they claim, release or act.
 */
export function capacityOn(
  officer: Principal,
  task: Pick<TaskRecord, 'role' | 'agencyId' | 'agencyCode'>,
): Capacity {
  const capacity = capacityFor(officer, [task.role], task.agencyId);
  if (!capacity)
    throw new AppError('FORBIDDEN', 403, `This task is for a ${task.role} of ${task.agencyCode}`);
  return capacity;
}

/** Why an officer cannot take or act on a task, read from its state. */
export function notYours(task: Pick<TaskRecord, 'status'>): AppError {
  return task.status === 'done' || task.status === 'cancelled'
    ? new AppError('TASK_CLOSED', 409, 'Someone already acted on this task')
    : new AppError('TASK_TAKEN', 409, 'Another officer has claimed this task');
}

/** Refuses an officer who cannot act on the task now: it is closed, or claimed by someone else. */
export function requireActable(officer: Principal, task: Pick<TaskRecord, 'status' | 'claimedBy'>): void {
  if (task.status !== 'open' && (task.status !== 'claimed' || task.claimedBy !== officer.id))
    throw notYours(task);
}
