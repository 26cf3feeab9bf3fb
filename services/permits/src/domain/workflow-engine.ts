import {
  JOIN,
  TERMINALS,
  TO_APPLICANT,
  type Guard,
  type Terminal,
  type WorkflowDefinition,
} from './workflow-definition';

/**
 * The workflow engine: given a definition and where a file stands, what an action does. Pure: it
 * answers the new state and the effects (tasks to open and close, outcomes) that the service then
 * writes in one transaction.
 */

export interface FlowState {
  status: 'active' | 'returned' | 'finished';
  /** Task stages with an open task. */
  active: string[];
  /** The parallel group running now, with its branches still to finish. */
  parallel: { group: string; pending: string[] } | null;
  /** Where the file resumes when the applicant resubmits. */
  resumeAt: string | null;
  outcome: (typeof TERMINALS)[Terminal] | null;
}

export type Effect =
  | { type: 'open-task'; stage: string }
  | { type: 'close-task'; stage: string; reason: 'done' | 'cancelled' }
  | { type: 'returned-to-applicant'; resumeAt: string }
  | { type: 'resumed' }
  | { type: 'finished'; outcome: (typeof TERMINALS)[Terminal] };

export interface Transition {
  state: FlowState;
  effects: Effect[];
}

/** What the guards look at, gathered by the service before it asks the engine. */
export interface GuardContext {
  requiredDocuments: boolean;
  formValid: boolean;
  feePaid: boolean;
  noteGiven: boolean;
}

export class EngineError extends Error {
  constructor(
    readonly code: 'NOT_ACTIVE' | 'UNKNOWN_ACTION' | 'GUARD_FAILED' | 'NOT_RETURNED' | 'FINISHED',
    message: string,
    readonly failedGuards: Guard[] = [],
  ) {
    super(message);
  }
}

const EMPTY: FlowState = { status: 'active', active: [], parallel: null, resumeAt: null, outcome: null };

export function start(def: WorkflowDefinition): Transition {
  return enter(def, EMPTY, def.start, []);
}

export function act(
  def: WorkflowDefinition,
  state: FlowState,
  stageId: string,
  actionName: string,
  ctx: GuardContext,
): Transition {
  if (state.status === 'finished') throw new EngineError('FINISHED', `This file is already ${state.outcome}`);
  if (!state.active.includes(stageId))
    throw new EngineError('NOT_ACTIVE', `Stage ${stageId} has no open task`);
  const stage = def.stages[stageId];
  const action = stage?.kind === 'task' ? stage.actions[actionName] : undefined;
  if (!action) throw new EngineError('UNKNOWN_ACTION', `Stage ${stageId} has no action ${actionName}`);
  const failed = (action.guards ?? []).filter((g) => !ctx[g]);
  if (failed.length) throw new EngineError('GUARD_FAILED', `Not yet: ${failed.join(', ')}`, failed);

  if (action.to === JOIN && state.parallel) {
    const pending = state.parallel.pending.filter((b) => b !== stageId);
    const effects: Effect[] = [{ type: 'close-task', stage: stageId, reason: 'done' }];
    const after = {
      ...state,
      active: state.active.filter((s) => s !== stageId),
      parallel: { ...state.parallel, pending },
    };
    if (pending.length) return { state: after, effects };
    const group = def.stages[state.parallel.group];
    const join = group?.kind === 'parallel' ? group.join : '';
    return go(def, { ...after, parallel: null }, join, effects);
  }
  // Any other way out of a branch ends the whole group: "all must approve; any return sends it back".
  const effects: Effect[] = state.active.map((s) => ({
    type: 'close-task',
    stage: s,
    reason: s === stageId ? 'done' : 'cancelled',
  }));
  const cleared: FlowState = { ...state, active: [], parallel: null };
  if (action.to === TO_APPLICANT) {
    const resumeAt = state.parallel?.group ?? stageId;
    return {
      state: { ...cleared, status: 'returned', resumeAt },
      effects: [...effects, { type: 'returned-to-applicant', resumeAt }],
    };
  }
  return go(def, cleared, action.to, effects);
}

/** The applicant answered a correction request: the stage (or whole parallel group) that asked opens again. */
export function resubmit(def: WorkflowDefinition, state: FlowState): Transition {
  if (state.status !== 'returned' || !state.resumeAt)
    throw new EngineError('NOT_RETURNED', 'This file is not waiting on the applicant');
  return enter(def, { ...state, status: 'active', resumeAt: null }, state.resumeAt, [{ type: 'resumed' }]);
}

/** The applicant withdraws before a decision. */
export function withdraw(state: FlowState): Transition {
  if (state.status === 'finished') throw new EngineError('FINISHED', `This file is already ${state.outcome}`);
  const effects: Effect[] = state.active.map((s) => ({ type: 'close-task', stage: s, reason: 'cancelled' }));
  return finish(state, 'withdrawn', effects);
}

function go(def: WorkflowDefinition, state: FlowState, to: string, effects: Effect[]): Transition {
  if (to in TERMINALS) return finish(state, TERMINALS[to as Terminal], effects);
  return enter(def, state, to, effects);
}

function enter(def: WorkflowDefinition, state: FlowState, stageId: string, effects: Effect[]): Transition {
  const stage = def.stages[stageId];
  if (stage?.kind === 'parallel') {
    return {
      state: {
        ...state,
        status: 'active',
        active: [...stage.branches],
        parallel: { group: stageId, pending: [...stage.branches] },
      },
      effects: [...effects, ...stage.branches.map((b) => ({ type: 'open-task' as const, stage: b }))],
    };
  }
  return {
    state: { ...state, status: 'active', active: [stageId], parallel: null },
    effects: [...effects, { type: 'open-task', stage: stageId }],
  };
}

function finish(state: FlowState, outcome: FlowState['outcome'] & string, effects: Effect[]): Transition {
  return {
    state: { ...state, status: 'finished', active: [], parallel: null, resumeAt: null, outcome },
    effects: [...effects, { type: 'finished', outcome }],
  };
}
