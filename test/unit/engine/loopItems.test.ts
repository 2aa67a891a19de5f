import { describe, expect, it } from 'vitest';
import { readStepRecord } from '../../../src/engine/recordCheck';
import { createTestEngine } from '../../support/engine';
import { chain } from '../../support/flows';

/** A for-each loop records its list's length when it starts, so a run can show iterations done of total. */

const loopOver = (forEach: unknown) =>
  chain('loop', [
    {
      stepSlug: 'each',
      name: 'Each',
      stepType: 'loop',
      config: {
        forEach,
        steps: [{ stepSlug: 'ok', name: 'ok', stepType: 'approval', config: { prompt: 'Go on?' } }],
      },
    },
  ]);

describe('a loop over a list', () => {
  it('has the number of items on its record while its first iteration still waits', async () => {
    const t = createTestEngine();
    const runId = await t.engine.start({ workflow: loopOver('{{input.value}}'), input: { value: ['a', 'b', 'c'] } });
    await t.quiesceUntil(() => [...t.data.steps.values()].some((s) => s.slug === 'ok'), 'the first iteration');
    await t.quiesce();
    const loop = (await t.store.loadSteps(runId)).find((s) => s.slug === 'each');
    expect(loop).toMatchObject({ status: 'started', meta: { items: 3 } });
    // The record as a store reads it back, through the hand check.
    expect(readStepRecord(structuredClone(loop), loop!.key).meta).toEqual({ items: 3 });
  });

  it('a while loop records no item count', async () => {
    const t = createTestEngine();
    const workflow = chain('loop', [
      {
        stepSlug: 'each',
        name: 'Each',
        stepType: 'loop',
        config: {
          while: 'true',
          steps: [{ stepSlug: 'ok', name: 'ok', stepType: 'approval', config: { prompt: 'Go on?' } }],
        },
      },
    ]);
    const runId = await t.engine.start({ workflow, input: {} });
    await t.quiesceUntil(() => [...t.data.steps.values()].some((s) => s.slug === 'ok'), 'the first iteration');
    await t.quiesce();
    const loop = (await t.store.loadSteps(runId)).find((s) => s.slug === 'each');
    expect(loop?.meta?.items).toBeUndefined();
  });
});
