import { describe, expect, it } from 'vitest';
import { COMPILED_CACHE_LIMIT, CompiledCache, compileWorkflow } from '../../../src/engine/compile';
import { createTestEngine } from '../../support/engine';
import { chain, set } from '../../support/flows';

/** The engine's compiled workflows are bounded by count (least recently used first), and a dropped one still runs. */

/** Workflow `i`: waits for the event `go`, then answers with its own number and the event's payload. */
const waitingWorkflow = (i: number) =>
  chain(`Distinct ${i}`, [
    { stepSlug: 'go', name: 'Go', stepType: 'event', config: { event: 'go' } },
    set('done', { workflow: i, payload: '{{steps.go.output}}' }, {}),
  ]);

const compiledOf = (engine: object) => (engine as { definitions: { compiled: CompiledCache } }).definitions.compiled;

describe('compiled-workflow cache', () => {
  it('keeps at most its limit, dropping the least recently used first', () => {
    const cache = new CompiledCache(2);
    const compiled = compileWorkflow(waitingWorkflow(0));
    cache.set('a', compiled);
    cache.set('b', compiled);
    expect(cache.get('a')).toBe(compiled);
    cache.set('c', compiled);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(compiled);
    expect(cache.get('c')).toBe(compiled);
  });

  it('a worker running many distinct workflows stays bounded; every run, dropped or not, resumes', async () => {
    const count = COMPILED_CACHE_LIMIT + 8;
    const first = createTestEngine();
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push(await first.engine.start({ workflow: waitingWorkflow(i), input: {} }));
    await first.quiesce();
    expect(compiledOf(first.engine).size).toBe(COMPILED_CACHE_LIMIT);

    // A reload: a new engine over the same data compiles every run's definition again, from the store.
    const reloaded = createTestEngine({ data: first.data, clock: first.clock });
    await reloaded.engine.resumeAll();
    await reloaded.quiesce();
    expect(compiledOf(reloaded.engine).size).toBe(COMPILED_CACHE_LIMIT);
    for (const [i, id] of ids.entries()) {
      await reloaded.engine.sendEvent(id, 'go', { n: i });
      const run = await reloaded.runToEnd(id);
      expect(run.status).toBe('completed');
      expect(run.output).toEqual({ workflow: i, payload: { n: i } });
    }
    expect(compiledOf(reloaded.engine).size).toBeLessThanOrEqual(COMPILED_CACHE_LIMIT);
  });
});
