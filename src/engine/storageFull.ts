import type { Clock } from './clock';

/** A run stopped because browser storage is full: it goes on when the user resumes it, once there is space. */
export interface StorageFullRun {
  runId: string;
  message: string;
  /** When the engine stopped the run (clock ms). */
  since: number;
}

/** Browser storage is full: the message a stopped run shows until it is resumed. */
export const STORAGE_FULL_MESSAGE =
  'browser storage is full: free some space (delete old runs, or disk space), then resume this run';

/**
 * The runs stopped by a full disk, in memory: on a really full disk even the pause that says so
 * cannot be written, so this list (not storage) is what the UI shows.
 */
export class StorageFullRuns {
  private readonly runs = new Map<string, StorageFullRun>();
  private readonly watchers = new Set<(runs: StorageFullRun[]) => void>();

  constructor(private readonly clock: Clock) {}

  has(runId: string): boolean {
    return this.runs.has(runId);
  }

  /** Oldest first. */
  list(): StorageFullRun[] {
    return [...this.runs.values()];
  }

  watch(watcher: (runs: StorageFullRun[]) => void): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  /** Marks the run full or not; returns whether that changed anything (watchers heard of it). */
  set(runId: string, full: boolean): boolean {
    if (full === this.runs.has(runId)) return false;
    if (full) this.runs.set(runId, { runId, message: STORAGE_FULL_MESSAGE, since: this.clock.now() });
    else this.runs.delete(runId);
    const runs = this.list();
    for (const watcher of this.watchers) watcher(runs);
    return true;
  }
}
