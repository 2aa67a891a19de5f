import { describe, expect, it } from 'vitest';
import type { BranchRunner, ChildRunRequest } from '../../../src/engine/branches';
import type { ScopeOutcome } from '../../../src/engine/frame';
import type { RunRecord } from '../../../src/engine/records';
import { createTestEngine } from '../../support/engine';
import { chain, set, transform } from '../../support/flows';

/** The engine's port for hosts that run branches and child runs apart (DBOS child workflows on the server). */
describe('BranchRunner: branches and child runs run apart', () => {
  it('hands a subworkflow step’s child run to runChild, which neither this engine creates nor drives', async () => {
    const asked: ChildRunRequest[] = [];
    const branches: BranchRunner = {
      runBranch: (_runId, _path, _slugs, work) => work(),
      runChild: async (child) => {
        asked.push(child);
        const run = { id: child.id, status: 'completed', output: { from: 'apart' } } as unknown as RunRecord;
        return run;
      },
    };
    const sub = {
      stepSlug: 'sub',
      name: 'Sub',
      stepType: 'subworkflow',
      config: { workflow: 'Inner', input: { n: 2 } },
    };
    const workflow = chain('Outer', [sub, transform('out', '{ "got": steps.sub.output.from }')]);
    const t = createTestEngine({ deps: { branches } });
    const runId = await t.engine.start({ workflow, input: {} });
    const run = await t.runToEnd(runId);
    expect(run).toMatchObject({ status: 'completed', output: { got: 'apart' } });
    expect(asked).toEqual([
      expect.objectContaining({ workflowName: 'Inner', input: { n: 2 }, parentStepKey: `${runId}:sub@` }),
    ]);
    // Not found as a workflow here (none is saved) and never driven here: the host ran it.
    expect([...t.data.runs.keys()]).toEqual([runId]);
  });

  it('fires a multi-step branch’s signal when a sibling wins its join:any race, so the host can stop it', async () => {
    let lost: AbortSignal | undefined;
    const branches: BranchRunner = {
      runBranch: (_runId, path, _slugs, work, signal) => {
        if (path !== 'race.slow') return work();
        lost = signal;
        return new Promise<ScopeOutcome>((_, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
        );
      },
    };
    const branchesOf = {
      fast: [set('f1', { n: 1 }, { success: 'f2' }), set('f2', { won: true })],
      slow: [set('s1', { n: 1 }, { success: 's2' }), set('s2', { won: false })],
    };
    const race = {
      stepSlug: 'race',
      name: 'Race',
      stepType: 'parallel',
      config: { join: 'any', branches: branchesOf },
    };
    const t = createTestEngine({ deps: { branches } });
    const runId = await t.engine.start({ workflow: chain('Race', [race]), input: {} });
    const run = await t.runToEnd(runId);
    expect(run).toMatchObject({ status: 'completed', output: { fast: { won: true } } });
    expect(lost?.aborted).toBe(true);
  });
});
