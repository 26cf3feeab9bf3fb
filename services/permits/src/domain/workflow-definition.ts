import {
  ENUMS,
  type Bilingual,
  type StaffRole,
  type WorkflowAction,
  type WorkflowDefinition,
  type WorkflowGuard,
  type WorkflowParallelStage,
  type WorkflowStage,
  type WorkflowTaskStage,
} from '@berkas/contracts';

/**
 * Workflow definitions are data (JSON files an operator edits and publishes): stages owned by an
 * agency and role, actions that lead to other stages or to special targets, parallel reviews that
 * join, guards, per-stage SLA, and what happens when a stage's SLA runs out.
 */

export const TERMINALS = { '@issued': 'issued', '@rejected': 'rejected', '@withdrawn': 'withdrawn' } as const;
export type Terminal = keyof typeof TERMINALS;
/** Back to the applicant for correction; on resubmission the same stage (or parallel group) opens again. */
export const TO_APPLICANT = '@applicant';
/** A parallel branch is done; when every branch is done the group moves on to its `join`. */
export const JOIN = '@join';

export const GUARDS = ENUMS.WorkflowGuard;

/**
 * What people read for a stage, an action, a form field or a document: its label, or its code in
 * both languages where none is known (one a later version of the definition no longer has).
 */
export const labelOr = (label: Bilingual | undefined, code: string): Bilingual =>
  label ?? { id: code, en: code };
export type Guard = WorkflowGuard;
const STAFF_ROLES: readonly StaffRole[] = ENUMS.StaffRole;

// The shapes are proto's (WorkflowDefinition and its parts), which also checks their structure and
// bounds; this module checks what a schema cannot: that the stages form a sound process.
export type ActionDefinition = WorkflowAction;
export type TaskStage = WorkflowTaskStage;
export type ParallelStage = WorkflowParallelStage;
export type Stage = WorkflowStage;
export type { WorkflowDefinition };

export interface DefinitionProblem {
  path: string;
  message: string;
}

/** Every problem of a definition, so an operator fixes them in one go; empty when it may be published. */
export function validateDefinition(def: WorkflowDefinition): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  if (!/^[A-Z][A-Z0-9-]{1,39}$/.test(def.code ?? ''))
    add('/code', 'must be upper-case letters, digits and hyphens');
  if (!Number.isInteger(def.serviceStandardDays) || def.serviceStandardDays < 1)
    add('/serviceStandardDays', 'must be a whole number of working days ≥ 1');
  const stages = def.stages ?? {};
  if (!stages[def.start]) add('/start', `names no stage (${def.start})`);

  const branchOf = new Map<string, string>();
  for (const [id, stage] of Object.entries(stages)) {
    if (stage.kind !== 'parallel') continue;
    if (!Array.isArray(stage.branches) || stage.branches.length < 2)
      add(`/stages/${id}/branches`, 'must list at least two stages');
    for (const b of stage.branches ?? []) {
      if (stages[b]?.kind !== 'task') add(`/stages/${id}/branches`, `${b} is not a task stage`);
      if (branchOf.has(b)) add(`/stages/${id}/branches`, `${b} is already a branch of ${branchOf.get(b)}`);
      branchOf.set(b, id);
    }
    checkTarget(stage.join, `/stages/${id}/join`, false);
  }

  function checkTarget(to: string, path: string, inBranch: boolean) {
    if (to === JOIN) {
      if (!inBranch) add(path, `${JOIN} is only for stages that are branches of a parallel stage`);
    } else if (to !== TO_APPLICANT && !(to in TERMINALS) && !stages[to]) {
      add(path, `leads nowhere: ${to} is no stage or outcome`);
    } else if (stages[to] && branchOf.has(to)) {
      add(path, `cannot enter ${to} directly: it runs as a branch of ${branchOf.get(to)}`);
    }
  }

  for (const [id, stage] of Object.entries(stages)) {
    if (stage.kind === 'parallel') continue;
    const path = `/stages/${id}`;
    if (!stage.owner?.agencyCode || !STAFF_ROLES.includes(stage.owner.role))
      add(`${path}/owner`, 'needs an agency code and a staff role');
    if (!Number.isInteger(stage.slaDays) || stage.slaDays < 1)
      add(`${path}/slaDays`, 'must be a whole number ≥ 1');
    const actions = Object.entries(stage.actions ?? {});
    if (!actions.length) add(`${path}/actions`, 'a stage needs at least one way out');
    for (const [name, action] of actions) {
      checkTarget(action.to, `${path}/actions/${name}/to`, branchOf.has(id));
      for (const g of action.guards ?? [])
        if (!GUARDS.includes(g)) add(`${path}/actions/${name}/guards`, `unknown guard ${g}`);
      if (action.guards?.includes('feePaid') && !stage.fee)
        add(`${path}/actions/${name}/guards`, 'feePaid needs a fee on the stage');
      const codes = (action.reasons ?? []).map((r) => r.code);
      const twice = codes.find((c, i) => codes.indexOf(c) !== i);
      if (twice) add(`${path}/actions/${name}/reasons`, `lists ${twice} twice`);
    }
    // Nobody picks a reason for the action a timeout takes by itself.
    if (stage.onTimeout && stage.actions?.[stage.onTimeout.action]?.reasons)
      add(`${path}/onTimeout`, `${stage.onTimeout.action} asks for a reason, which no timeout can give`);
    if (stage.onTimeout && !stage.actions?.[stage.onTimeout.action])
      add(`${path}/onTimeout`, `${stage.onTimeout.action} is not an action of this stage`);
    // Fiktif positif answers for the office's silence, never for an unpaid levy.
    if (
      stage.onTimeout &&
      (stage.fee || stage.actions?.[stage.onTimeout.action]?.guards?.includes('feePaid'))
    )
      add(`${path}/onTimeout`, 'cannot be on a stage that waits for a payment');
    if (stage.fee && !isFormula(stage.fee.formula))
      add(`${path}/fee/formula`, 'may use numbers, form field names, + - * / ( ) and min/max/round only');
  }

  // Reachability from the start, and from every stage a way to an outcome.
  const joinOf = (branch: string): string => {
    const group = stages[branchOf.get(branch) ?? ''];
    return group?.kind === 'parallel' ? group.join : '';
  };
  const next = (id: string): string[] => {
    const stage = stages[id];
    if (!stage) return [];
    if (stage.kind === 'parallel') return [...stage.branches, stage.join];
    return Object.values(stage.actions ?? {}).map((a) => (a.to === JOIN ? joinOf(id) : a.to));
  };
  const reached = new Set<string>();
  const queue = stages[def.start] ? [def.start] : [];
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    if (reached.has(id) || !stages[id]) continue;
    reached.add(id);
    queue.push(...next(id));
  }
  for (const id of Object.keys(stages))
    if (!reached.has(id)) add(`/stages/${id}`, 'can never be reached from the start');
  const finishes = new Set<string>();
  for (let changed = true; changed;) {
    changed = false;
    for (const id of Object.keys(stages)) {
      if (finishes.has(id)) continue;
      if (next(id).some((t) => t in TERMINALS || finishes.has(t))) {
        finishes.add(id);
        changed = true;
      }
    }
  }
  for (const id of reached)
    if (!finishes.has(id)) add(`/stages/${id}`, 'has no path to an outcome (issued, rejected)');
  return problems;
}

/** The agency and role of every task stage, for checking that they exist in identity. */
export function owners(
  def: WorkflowDefinition,
): Array<{ stage: string; agencyCode: string; role: StaffRole }> {
  return Object.entries(def.stages).flatMap(([stage, s]) =>
    s.kind === 'task' ? [{ stage, ...s.owner }] : [],
  );
}

const FORMULA = /^[\s\d.+\-*/(),A-Za-z_]*$/;
function isFormula(formula: string): boolean {
  if (!FORMULA.test(formula)) return false;
  const words = formula.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
  return words.every((w) => ['min', 'max', 'round'].includes(w) || /^[a-z][A-Za-z0-9_]*$/.test(w));
}
