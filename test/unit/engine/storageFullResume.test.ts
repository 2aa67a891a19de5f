import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/engine/clock';
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

/** As the browser's timers do, a sleep already due ends on a later task: after the run's status write has landed. */
class LateTimerClock extends FakeClock {
  override sleepUntil(at: number, signal?: AbortSignal): Promise<void> {
    if (at > this.now()) return super.sleepUntil(at, signal);
    return new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const napAndAsk = chain('full', [
  llm('one', '1'),
  { stepSlug: 'nap', name: 'Nap', stepType: 'wait', config: { durationMs: 60_000 } },
  llm('two', '2'),
]);

/** A run the disk stopped as its nap ended: the nap's end was the write that did not fit. */
async function stoppedAtNapEnd(options: {
  clock?: FakeClock;
  llm: (req: { key: string; userPrompt: string }) => string;
}) {
  const data = new MemoryData();
  const store = new NearlyFullDisk(data);
  const t = createTestEngine({
    data,
    clock: options.clock,
    deps: { store },
    runners: { llm: async (req) => options.llm(req) },
  });
  const id = await t.engine.start({ workflow: napAndAsk, input: {} });
  await t.quiesce();
  store.state = 'full';
  t.clock.advance(60_000);
  await t.quiesce();
  expect(t.engine.storageFullRuns().map((r) => r.runId)).toEqual([id]);
  return { t, store, id };
}

describe('storage full, resumed on a disk that takes only small writes', () => {
  it('the resume rejects with QuotaError and the run stays storage-full; once space is freed it finishes', async () => {
    const asked: string[] = [];
    const { t, store, id } = await stoppedAtNapEnd({ llm: (req) => (asked.push(req.key), `ok ${req.userPrompt}`) });

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

  it('a replayed wait whose time is up is no progress: the resume rejects once the step after it fails', async () => {
    const { t, store, id } = await stoppedAtNapEnd({ clock: new LateTimerClock(), llm: () => 'ok' });

    // The resumed run replays the nap (its wake time passed) and writes "waiting", which fits; the nap's end does not.
    store.state = 'nearly-full';
    await expect(t.engine.resume(id)).rejects.toBeInstanceOf(QuotaError);
    await t.quiesce();
    expect(t.engine.storageFullRuns().map((r) => r.runId)).toEqual([id]);

    store.state = 'ok';
    await t.engine.resume(id);
    expect(await t.runToEnd(id)).toMatchObject({ status: 'completed', output: 'ok' });
  });
});
