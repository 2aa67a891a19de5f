import type { CellCounts } from '../../store/batches';

/** A batch's progress in numbers: what the bar and its counts show, and the ETA. No React. */

export interface Progress {
  total: number;
  /** Completed, failed or cancelled. */
  finished: number;
  completed: number;
  failed: number;
  cancelled: number;
  running: number;
  queued: number;
  /** 0–1. */
  fraction: number;
}

export function progressOf(counts: CellCounts): Progress {
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  const finished = counts.completed + counts.failed + counts.cancelled;
  return {
    total,
    finished,
    completed: counts.completed,
    failed: counts.failed,
    cancelled: counts.cancelled,
    running: counts.running + counts.waiting,
    queued: counts.queued,
    fraction: total === 0 ? 0 : finished / total,
  };
}

/** One observation of the batch record: when it was written (`updatedAt`) and how many cells had finished. */
export interface ProgressSample {
  at: number;
  finished: number;
}

/** Samples older than this before the newest are not used for the rate: the ETA follows the recent pace. */
export const ETA_WINDOW_MS = 60_000;

/** Milliseconds left at the recent pace, or null before there is a pace to go by. */
export function estimateRemainingMs(samples: readonly ProgressSample[], remaining: number): number | null {
  const last = samples.at(-1);
  if (!last || remaining <= 0) return remaining <= 0 ? 0 : null;
  const first = samples.find((s) => last.at - s.at <= ETA_WINDOW_MS) ?? last;
  const done = last.finished - first.finished;
  const elapsed = last.at - first.at;
  if (done <= 0 || elapsed <= 0) return null;
  return Math.round((remaining * elapsed) / done);
}

/** Adds a sample when the record changed; keeps only what the window needs. */
export function addSample(samples: readonly ProgressSample[], sample: ProgressSample): ProgressSample[] {
  const last = samples.at(-1);
  if (last && last.at === sample.at && last.finished === sample.finished) return samples as ProgressSample[];
  // A retry can lower the finished count: the pace starts over from there.
  const kept = last && sample.finished < last.finished ? [] : samples.filter((s) => sample.at - s.at <= ETA_WINDOW_MS);
  return [...kept, sample];
}

/** "about 3 min", "about 40 s", "under a second". */
export function formatEta(ms: number): string {
  if (ms < 1_000) return 'under a second';
  const seconds = Math.round(ms / 1_000);
  if (seconds < 90) return `about ${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `about ${minutes} min`;
  return `about ${Math.round(minutes / 60)} h`;
}
