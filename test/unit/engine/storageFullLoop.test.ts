import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/engine/clock';
import { MemoryData, MemoryStore } from '../../../src/engine/memoryStore';
import { QuotaError, type CommitBatch, type CommitResult } from '../../../src/engine/store';
import { createTestEngine } from '../../support/engine';
import { copyingLoop } from '../../support/flows';

const BLOB = 'x'.repeat(20_000);

/** A disk full after `room` commits; once nearly full it takes small writes still, as Chromium's quota slack does. */
class FillingDisk extends MemoryStore {
  commits = 0;
  room = 12;
  nearlyFull = false;

  override commit(batch: CommitBatch): Promise<CommitResult> {
    const small = this.nearlyFull && JSON.stringify(batch).length < 5_000;
    if (++this.commits > this.room && !small) return Promise.reject(new QuotaError('QuotaExceededError'));
    return super.commit(batch);
  }
}

/** As the browser's timers do, a sleep already due ends on a later task. */
class LateTimerClock extends FakeClock {
  override sleepUntil(at: number, signal?: AbortSignal): Promise<void> {
    if (at > this.now()) return super.sleepUntil(at, signal);
    return new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The browser test's workflow: each iteration copies a large value, then naps (recorded before it sleeps). */
const copyingWorkflow = copyingLoop('Fills the disk', 30, BLOB);

async function ticks(t: ReturnType<typeof createTestEngine>, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    t.clock.advance(1);
    await t.quiesce();
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

describe('a loop stopped by a full disk, resumed before space is freed', () => {
  it('the resume rejects with QuotaError: the loop writing back its recorded progress is no progress', async () => {
    const data = new MemoryData();
    const store = new FillingDisk(data);
    const t = createTestEngine({ data, deps: { store }, clock: new LateTimerClock() });
    const id = await t.engine.start({ workflow: copyingWorkflow, input: {} });
    await ticks(t, 60);
    expect(t.engine.storageFullRuns().map((r) => r.runId)).toEqual([id]);

    store.nearlyFull = true;
    let settled: 'pending' | 'resolved' | 'quota' | 'other' = 'pending';
    t.engine.resume(id).then(
      () => (settled = 'resolved'),
      (error: unknown) => (settled = error instanceof QuotaError ? 'quota' : 'other'),
    );
    await ticks(t, 60);
    expect(settled).toBe('quota');
    expect(t.engine.storageFullRuns().map((r) => r.runId)).toEqual([id]);

    store.room = Infinity;
    await t.engine.resume(id);
    expect(await t.runToEnd(id)).toMatchObject({ status: 'completed' });
  });
});
