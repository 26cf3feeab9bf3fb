import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { owners, validateDefinition, type WorkflowDefinition } from './workflow-definition';
import { act, resubmit, start, withdraw, type FlowState, type GuardContext } from './workflow-engine';

const dir = join(__dirname, '../../data/workflows');
const load = (code: string) =>
  JSON.parse(readFileSync(join(dir, `${code}.json`), 'utf8')) as WorkflowDefinition;
const pbg = load('PBG');
const ok: GuardContext = { requiredDocuments: true, formValid: true, feePaid: true, noteGiven: true };

describe('workflow definitions', () => {
  it.each(readdirSync(dir).map((f) => f.replace('.json', '')))('ships %s valid', (code) => {
    expect(validateDefinition(load(code))).toEqual([]);
  });

  it('lists every problem of a broken definition at once', () => {
    const broken: WorkflowDefinition = {
      code: 'bad code',
      name: { id: 'x', en: 'x' },
      serviceStandardDays: 0,
      start: 'nowhere',
      stages: {
        a: {
          kind: 'task',
          label: { id: 'a', en: 'a' },
          owner: { agencyCode: 'DPMPTSP', role: 'mayor' as never },
          slaDays: 1,
          actions: { go: { to: 'ghost', label: { id: '', en: '' } } },
        },
        b: {
          kind: 'task',
          label: { id: 'b', en: 'b' },
          owner: { agencyCode: 'DPMPTSP', role: 'verifier' },
          slaDays: 1,
          actions: {
            loop: {
              to: 'b',
              label: { id: '', en: '' },
              reasons: [
                { code: 'lagi', label: { id: 'Lagi', en: 'Again' } },
                { code: 'lagi', label: { id: 'Sekali lagi', en: 'Once more' } },
              ],
            },
          },
          onTimeout: { action: 'loop' },
        },
        c: {
          kind: 'task',
          label: { id: 'c', en: 'c' },
          owner: { agencyCode: 'DLH', role: 'reviewer' },
          slaDays: 0,
          actions: {},
          onTimeout: { action: 'approve' },
        },
        p: { kind: 'parallel', label: { id: 'p', en: 'p' }, branches: ['c'], join: '@issued' },
        d: {
          kind: 'task',
          label: { id: 'd', en: 'd' },
          owner: { agencyCode: 'DLH', role: 'reviewer' },
          slaDays: 2,
          actions: { done: { to: '@join', label: { id: '', en: '' }, guards: ['feePaid', 'luck' as never] } },
          onTimeout: { action: 'done' },
        },
      },
    };
    const problems = validateDefinition(broken).map((p) => `${p.path}: ${p.message}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        '/code: must be upper-case letters, digits and hyphens',
        '/serviceStandardDays: must be a whole number of working days ≥ 1',
        '/start: names no stage (nowhere)',
        '/stages/p/branches: must list at least two stages',
        '/stages/a/owner: needs an agency code and a staff role',
        '/stages/a/actions/go/to: leads nowhere: ghost is no stage or outcome',
        '/stages/c/slaDays: must be a whole number ≥ 1',
        '/stages/c/actions: a stage needs at least one way out',
        '/stages/c/onTimeout: approve is not an action of this stage',
        '/stages/b/actions/loop/reasons: lists lagi twice',
        '/stages/b/onTimeout: loop asks for a reason, which no timeout can give',
        '/stages/d/actions/done/to: @join is only for stages that are branches of a parallel stage',
        '/stages/d/actions/done/guards: unknown guard luck',
        '/stages/d/actions/done/guards: feePaid needs a fee on the stage',
        '/stages/d/onTimeout: cannot be on a stage that waits for a payment',
      ]),
    );
    // With no valid start nothing is reachable; a stage that only loops has no path to an outcome.
    const loops = validateDefinition({ ...broken, start: 'b' }).map((p) => `${p.path}: ${p.message}`);
    expect(loops).toEqual(
      expect.arrayContaining([
        '/stages/b: has no path to an outcome (issued, rejected)',
        '/stages/a: can never be reached from the start',
      ]),
    );
  });

  it('names each stage owner so they can be checked against identity', () => {
    expect(owners(pbg).map((o) => `${o.stage}:${o.agencyCode}/${o.role}`)).toContain(
      'review-dlh:DLH/reviewer',
    );
  });
});

describe('workflow engine on PBG', () => {
  const run = (steps: Array<[string, string]>, from = start(pbg).state): FlowState =>
    steps.reduce((state, [stage, action]) => act(pbg, state, stage, action, ok).state, from);

  it('opens both technical reviews in parallel and joins only when both approve', () => {
    let state = run([['verification', 'complete']]);
    expect(state.active).toEqual(['review-dpupr', 'review-dlh']);
    const first = act(pbg, state, 'review-dlh', 'approve', ok);
    expect(first.effects).toEqual([{ type: 'close-task', stage: 'review-dlh', reason: 'done' }]);
    expect(first.state.active).toEqual(['review-dpupr']);
    state = act(pbg, first.state, 'review-dpupr', 'approve', ok).state;
    expect(state).toMatchObject({ active: ['fee-assessment'], parallel: null });
    state = run(
      [
        ['fee-assessment', 'paid'],
        ['decision', 'approve'],
      ],
      state,
    );
    const issued = act(pbg, state, 'issue', 'issue', ok);
    expect(issued.state).toMatchObject({ status: 'finished', outcome: 'issued', active: [] });
    expect(issued.effects.at(-1)).toEqual({ type: 'finished', outcome: 'issued' });
  });

  it('sends the file back to the applicant when one branch returns it, cancelling the other, and reopens both on resubmission', () => {
    const state = run([['verification', 'complete']]);
    const returned = act(pbg, state, 'review-dpupr', 'return', ok);
    expect(returned.effects).toEqual([
      { type: 'close-task', stage: 'review-dpupr', reason: 'done' },
      { type: 'close-task', stage: 'review-dlh', reason: 'cancelled' },
      { type: 'returned-to-applicant', resumeAt: 'technical-review' },
    ]);
    expect(returned.state).toMatchObject({ status: 'returned', active: [] });
    expect(() => act(pbg, returned.state, 'review-dlh', 'approve', ok)).toThrow(/no open task/);
    const resumed = resubmit(pbg, returned.state);
    expect(resumed.state.active).toEqual(['review-dpupr', 'review-dlh']);
    expect(resumed.effects[0]).toEqual({ type: 'resumed' });
  });

  it('lets a reviewer send the file back to an earlier stage, out of the parallel group', () => {
    const back = act(pbg, run([['verification', 'complete']]), 'review-dpupr', 'send-back', ok);
    expect(back.state).toMatchObject({ active: ['verification'], parallel: null, status: 'active' });
  });

  it('holds an action until its guards hold, and says which failed', () => {
    const state = start(pbg).state;
    expect(() =>
      act(pbg, state, 'verification', 'complete', { ...ok, requiredDocuments: false, formValid: false }),
    ).toThrow(
      expect.objectContaining({ code: 'GUARD_FAILED', failedGuards: ['requiredDocuments', 'formValid'] }),
    );
    const atFee = run([
      ['verification', 'complete'],
      ['review-dpupr', 'approve'],
      ['review-dlh', 'approve'],
    ]);
    expect(() => act(pbg, atFee, 'fee-assessment', 'paid', { ...ok, feePaid: false })).toThrow(/feePaid/);
  });

  it('rejects, withdraws, and refuses anything after the end', () => {
    const rejected = act(pbg, start(pbg).state, 'verification', 'reject', ok).state;
    expect(rejected).toMatchObject({ status: 'finished', outcome: 'rejected' });
    expect(() => act(pbg, rejected, 'verification', 'complete', ok)).toThrow(
      expect.objectContaining({ code: 'FINISHED' }),
    );
    const withdrawn = withdraw(run([['verification', 'complete']]));
    expect(withdrawn.effects.filter((e) => e.type === 'close-task')).toHaveLength(2);
    expect(withdrawn.state.outcome).toBe('withdrawn');
    expect(() => resubmit(pbg, start(pbg).state)).toThrow(expect.objectContaining({ code: 'NOT_RETURNED' }));
    expect(() => act(pbg, start(pbg).state, 'verification', 'fly', ok)).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_ACTION' }),
    );
  });

  it('keeps a file on the version it started with', () => {
    const v1 = pbg;
    const v2: WorkflowDefinition = JSON.parse(JSON.stringify(pbg));
    v2.stages.verification = {
      ...(v2.stages.verification as object),
      actions: { complete: { to: 'decision', label: { id: '', en: '' } } },
    } as never;
    const inFlight = start(v1).state;
    expect(act(v1, inFlight, 'verification', 'complete', ok).state.active).toEqual([
      'review-dpupr',
      'review-dlh',
    ]);
    expect(act(v2, start(v2).state, 'verification', 'complete', ok).state.active).toEqual(['decision']);
  });
});
