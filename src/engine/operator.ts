import type { EngineDeps } from './runtime';
import type { RunRecord, StepRecord } from './records';
import { FencedError } from './store';

export interface RunEdit {
  run: RunRecord;
  steps?: StepRecord[];
  deleteStepKeys?: string[];
}

const EDIT_TRIES = 5;

/**
 * Changes a run as an operator (cancel, pause, restart, …): read, edit, and commit with the
 * generation bumped, fenced on the one read. A newer writer in between means read and try again.
 */
export async function editRun(
  deps: EngineDeps,
  runId: string,
  edit: (run: RunRecord, steps: StepRecord[]) => RunEdit | undefined,
  inMemory?: RunRecord,
  /** Skip loading the journal when the edit does not look at it (resume at boot: 10,000 records). */
  withSteps = true,
): Promise<RunEdit | undefined> {
  for (let attempt = 0; attempt < EDIT_TRIES; attempt++) {
    const stored = await deps.store.loadRun(runId);
    if (!stored) throw new Error(`no run ${runId}`);
    // The driver's copy may hold running time not yet written; the stored generation is the fence.
    const current =
      inMemory && inMemory.generation === stored.generation
        ? { ...inMemory, status: stored.status === 'cancelled' ? stored.status : inMemory.status }
        : stored;
    const steps = withSteps ? await deps.store.loadSteps(runId) : [];
    const change = edit(current, steps);
    if (!change) return undefined;
    const run = { ...change.run, generation: stored.generation + 1 };
    try {
      await deps.store.commit({
        fences: [{ runId, generation: stored.generation }],
        runs: [run],
        steps: change.steps ?? [],
        deleteStepKeys: change.deleteStepKeys ?? [],
      });
      deps.onChange?.(runId);
      return { ...change, run };
    } catch (error) {
      if (!(error instanceof FencedError)) throw error;
    }
  }
  throw new Error(`run ${runId} kept changing; try again`);
}
