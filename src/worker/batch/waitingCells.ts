import { FINISHED_RUN_STATUSES } from '../../engine/records';
import type { EngineStore } from '../../engine/store';
import { editBatch } from '../../store/batches';
import type { TabflowDb } from '../../store/db';

/** How long after a change of a cell's run its status is looked at (many changes, one read). */
export const WAIT_CHECK_MS = 300;

/**
 * A cell whose run waits (an approval, an event, a host to confirm, a budget question) shows `waiting`, and
 * `running` again once its run goes on: told of each change of a run by the engine, it reads the run a moment
 * later, once for however many changes came meanwhile.
 */
export class WaitingCells {
  /** Runs of the cells seen through here: run id → its batch and cell. */
  private readonly runs = new Map<string, { batchId: string; key: string }>();
  private readonly due = new Set<string>();

  constructor(
    private readonly db: TabflowDb,
    private readonly store: EngineStore,
    private readonly now: () => number,
  ) {}

  watch(runId: string, batchId: string, key: string): void {
    this.runs.set(runId, { batchId, key });
  }

  forget(runId: string): void {
    this.runs.delete(runId);
  }

  runChanged(runId: string): void {
    if (!this.runs.has(runId) || this.due.has(runId)) return;
    this.due.add(runId);
    setTimeout(() => {
      this.due.delete(runId);
      this.sync(runId).catch(() => undefined); // the next change looks again
    }, WAIT_CHECK_MS);
  }

  private async sync(runId: string): Promise<void> {
    const cell = this.runs.get(runId);
    const run = cell && (await this.store.loadRun(runId));
    if (!cell || !run || FINISHED_RUN_STATUSES.has(run.status)) return;
    const status = run.status === 'waiting' ? 'waiting' : 'running';
    await editBatch(
      this.db,
      cell.batchId,
      { keys: [cell.key] },
      (_batch, [current]) =>
        current?.runId === runId &&
        (current.status === 'running' || current.status === 'waiting') &&
        current.status !== status
          ? { cells: [{ ...current, status }] }
          : undefined,
      this.now(),
    );
  }
}
