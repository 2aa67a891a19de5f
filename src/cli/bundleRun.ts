import type { RunRecord, StepRecord, ThreadMessageRecord } from '../engine/records';
import type { RunBundle } from '../schema/runBundle';
import type { WorkflowFile } from '../schema/workflow';
import type { CliStore } from './cliStore';

/** What loading a bundle did: its run, and whether anything is left to run. */
export type LoadedBundle =
  | { kind: 'continues'; run: RunRecord; kept: number; dropped: number }
  | { kind: 'finished'; run: RunRecord }
  | { kind: 'already-stored'; run: RunRecord };

/**
 * A bundle's runs as runs of this store that continue from their last finished step: its definitions, the runs
 * under their own ids, and the journal's completed records (each replays its recorded result, never runs again);
 * a failed, cancelled or unfinished record is left out, so that step runs again. A completed run stays completed.
 * The bundle was checked by `checkRunBundleForImport` (every record against the engine's schemas).
 */
export async function loadBundleRun(
  store: Pick<CliStore, 'loadRun' | 'importDefinition' | 'commit'>,
  bundle: RunBundle,
): Promise<LoadedBundle> {
  const stored = await store.loadRun(bundle.runId);
  if (stored) return { kind: 'already-stored', run: stored };
  for (const { hash, workflow } of bundle.definitions) store.importDefinition(hash, workflow as WorkflowFile, false);
  const runs = (bundle.runs as RunRecord[]).map(continuingRun);
  const steps = bundle.steps as StepRecord[];
  const completedRuns = new Set(runs.filter((run) => run.status === 'completed').map((run) => run.id));
  const kept = steps.filter((step) => step.status === 'completed' || completedRuns.has(step.runId));
  await store.commit({
    fences: [],
    runs,
    steps: kept,
    messages: bundle.messages as unknown as ThreadMessageRecord[],
  });
  const run = runs[0]!;
  if (run.status === 'completed') return { kind: 'finished', run };
  return { kind: 'continues', run, kept: kept.length, dropped: steps.length - kept.length };
}

/** A failed or cancelled run is running again (its next writer bumps the generation); a completed one stays. */
function continuingRun(stored: RunRecord): RunRecord {
  if (stored.status === 'completed') return stored;
  const run: RunRecord = { ...stored, status: 'running' };
  delete run.finishedAt;
  delete run.error;
  delete run.output;
  delete run.waits;
  delete run.importedFrom;
  return run;
}
