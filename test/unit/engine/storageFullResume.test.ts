import { describe, expect, it } from 'vitest';
import { MemoryData, MemoryStore } from '../../../src/engine/memoryStore';
import { QuotaError, type CommitBatch, type CommitResult } from '../../../src/engine/store';
import { createTestEngine } from '../../support/engine';
import { chain, llm } from '../../support/flows';

/**
 * A disk that filled may still take a small write (a run record) but not the run's next step: a resume then
 * rejects with QuotaError once that step's write fails, as it does when the takeover itself cannot be written.
 */
class NearlyFullDisk extends MemoryStore {
  state: 'ok' | 'full' | 'nearly-full' = 'ok';

  override commit(batch: CommitBatch): Promise<CommitResult> {
    const fits = this.state === 'ok' || (this.state === 'nearly-full' && (batch.steps ?? []).length === 0);
    if (!fits) return Promise.reject(new QuotaError('QuotaExceededError'));
    return super.commit(batch);
  }
}

const napAndAsk = chain('full', [
  llm('one', '1'),
  { stepSlug: 'nap', name: 'Nap', stepType: 'wait', config: { durationMs: 60_000 } },
  llm('two', '2'),
]);

describe('storage full, resumed on a disk that takes only small writes', () => {
  it('the resume rejects with QuotaError and the run stays storage-full; once space is freed it finishes', async () => {
    const data = new MemoryData();
    const store = new NearlyFullDisk(data);
    const asked: string[] = [];
    const t = createTestEngine({
      data,
      deps: { store },
      runners: { llm: async (req) => (asked.push(req.key), `ok ${req.userPrompt}`) },
    });
    const id = await t.engine.start({ workflow: napAndAsk, input: {} });
    await t.quiesce();
    store.state = 'full';
    t.clock.advance(60_000);
    await t.quiesce();
    expect(t.engine.storageFullRuns().map((r) => r.runId)).toEqual([id]);

    store.state = 'nearly-full';
    await expect(t.engine.resume(id)).rejects.toBeInstanceOf(QuotaError);
    await t.quiesce();
    expect(t.engine.isDriving(id)).toBe(false);
    expect(t.engine.storageFullRuns().map((r) => r.runId)).toEqual([id]);

    store.state = 'ok';
    await t.engine.resume(id);
    const run = await t.runToEnd(id);
    expect(run).toMatchObject({ status: 'completed', output: 'ok 2' });
    expect(asked.filter((key) => key === `${id}:one@`)).toHaveLength(1);
  });
});
