import type { TaskStage } from '../../domain/workflow-definition';
import { SlaClock, type WorkingCalendar } from '../../domain/working-calendar';

/**
 * When a stage's clock starts: a stage that works on the digital file starts it when it opens; a
 * stage that needs the paper dossier (custody "handoff") starts it when its agency receives the
 * dossier, so an agency is never late for a file it does not hold yet.
 */
export function clockWhenOpened(stage: TaskStage, openedAt: Date, calendar: WorkingCalendar) {
  return stage.custody === 'handoff' ? notStarted(stage) : startedAt(stage, openedAt, calendar);
}

/** The clock of a stage whose agency received the paper dossier at `receivedAt`. */
export function clockWhenReceived(stage: TaskStage, receivedAt: Date, calendar: WorkingCalendar) {
  return startedAt(stage, receivedAt, calendar);
}

function notStarted(stage: TaskStage) {
  return { clock: new SlaClock(stage.slaDays).segments, dueAt: null };
}

function startedAt(stage: TaskStage, at: Date, calendar: WorkingCalendar) {
  const clock = new SlaClock(stage.slaDays).start(at);
  return { clock: clock.segments, dueAt: clock.dueAt(calendar) };
}
