import { describe, expect, it } from 'vitest';
import { emptyCounts } from '../../src/store/batches';
import {
  addSample,
  estimateRemainingMs,
  ETA_WINDOW_MS,
  formatEta,
  progressOf,
  type ProgressSample,
} from '../../src/ui/experiments/progress';

describe('an experiment’s progress', () => {
  it('counts finished cells (done, failed, cancelled) against all of them', () => {
    const progress = progressOf({ ...emptyCounts(), completed: 6, failed: 2, running: 1, waiting: 1, queued: 10 });
    expect(progress).toMatchObject({ total: 20, finished: 8, running: 2, queued: 10, fraction: 0.4 });
  });

  it('estimates the time left from the recent pace of the record’s writes', () => {
    let samples: ProgressSample[] = [];
    for (const [at, finished] of [
      [1_000, 0],
      [3_000, 4],
      [5_000, 8],
    ] as const)
      samples = addSample(samples, { at, finished });
    // 8 cells in 4 s: 12 more take 6 s.
    expect(estimateRemainingMs(samples, 12)).toBe(6_000);
    expect(estimateRemainingMs(samples.slice(0, 1), 12)).toBeNull();
    expect(estimateRemainingMs(samples, 0)).toBe(0);
  });

  it('forgets samples older than the window, and starts over when a retry lowers the count', () => {
    let samples = addSample([], { at: 0, finished: 0 });
    samples = addSample(samples, { at: ETA_WINDOW_MS + 1_000, finished: 50 });
    expect(samples).toEqual([{ at: ETA_WINDOW_MS + 1_000, finished: 50 }]);
    samples = addSample(samples, { at: ETA_WINDOW_MS + 2_000, finished: 40 });
    expect(samples).toEqual([{ at: ETA_WINDOW_MS + 2_000, finished: 40 }]);
    expect(addSample(samples, { at: ETA_WINDOW_MS + 2_000, finished: 40 })).toBe(samples);
  });

  it('reads the estimate in words', () => {
    expect([400, 40_000, 5 * 60_000, 3 * 3_600_000].map(formatEta)).toEqual([
      'under a second',
      'about 40 s',
      'about 5 min',
      'about 3 h',
    ]);
  });
});
