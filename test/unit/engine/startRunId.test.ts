import { describe, expect, it } from 'vitest';
import { createTestEngine } from '../../support/engine';
import { chain, http } from '../../support/flows';

describe('a start under a run id the caller chose', () => {
  it('a second start with the id of a stored run returns it and runs nothing again', async () => {
    let posts = 0;
    const t = createTestEngine({
      runners: {
        http: async () => {
          posts++;
          return { status: 200, statusText: 'OK', headers: {}, body: {} };
        },
      },
      deps: { isHostApproved: async () => true },
    });
    const workflow = chain('Post once', [http('post', 'https://once.test/x')], { allowedHosts: ['once.test'] });
    expect(await t.engine.start({ workflow, input: {}, runId: 'cell-1', batchId: 'b1' })).toBe('cell-1');
    await t.runToEnd('cell-1');
    const finished = structuredClone(t.data.runs.get('cell-1'));
    t.clock.set(t.clock.now() + 60_000);
    expect(await t.engine.start({ workflow, input: {}, runId: 'cell-1', batchId: 'b1' })).toBe('cell-1');
    await t.quiesce();
    // Untouched: not started again from the top, not even recreated.
    expect(t.data.runs.get('cell-1')).toEqual(finished);
    expect(posts).toBe(1);
    expect([...t.data.runs.keys()]).toEqual(['cell-1']);
    expect(t.data.runs.get('cell-1')).toMatchObject({ status: 'completed', batchId: 'b1' });
  });
});
