import type { EngineDeps } from './runtime';
import { FINISHED_RUN_STATUSES, recordInRun, type RunRecord, type StepError, type StepRecord } from './records';
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

/** The step, every record after it, and the containers around it (their outputs depend on it). */
export function stepsFrom(steps: StepRecord[], key: string): StepRecord[] {
  const target = steps.find((s) => s.key === key);
  if (!target) throw new Error(`no step ${key}`);
  const around = new Set(enclosingContainerKeys(target));
  return steps.filter(
    (s) => s.seq >= target.seq || around.has(s.key) || (s.parentKey !== undefined && s.parentKey === key),
  );
}

/** "each[2]/fan.risk" → the records of the loop "each" (at "") and the parallel "fan" (at "each[2]"). */
function enclosingContainerKeys(step: StepRecord): string[] {
  if (step.path === '') return [];
  const segments = step.path.split('/');
  return segments.map((segment, i) => {
    const slug = segment.replace(/\[\d+\]$/, '').replace(/\.[^.]*$/, '');
    return `${step.runId}:${slug}@${segments.slice(0, i).join('/')}`;
  });
}

/**
 * A fork's journal under run `id`: the records before the step `from.key`, and the step itself completed
 * with `output` (marked with the record it was copied from). Everything the step fed is dropped.
 */
export function forkedHistory(
  steps: StepRecord[],
  from: { runId: string; key: string },
  output: unknown,
  id: string,
  now: number,
): StepRecord[] {
  const { runId, key } = from;
  const target = steps.find((s) => s.key === key);
  if (!target) throw new Error(`no step ${key} in run ${runId}`);
  const dropped = new Set(stepsFrom(steps, key).map((s) => s.key));
  const rekey = (s: StepRecord): StepRecord => recordInRun(s, runId, id);
  const edited: StepRecord = {
    ...rekey(target),
    status: 'completed',
    output,
    branch: undefined,
    error: undefined,
    endedAt: target.endedAt ?? now,
    meta: { ...target.meta, forkedFrom: target.key },
  };
  return [...steps.filter((s) => !dropped.has(s.key)).map(rekey), edited];
}

/** A cancel: the run and every open step end as cancelled, a running attempt with them (nothing, if finished). */
export function cancelledRun(run: RunRecord, steps: StepRecord[], now: number, why?: StepError): RunEdit | undefined {
  if (FINISHED_RUN_STATUSES.has(run.status)) return undefined;
  const open = steps.filter((s) => s.status === 'started' || s.status === 'waiting');
  return {
    run: {
      ...run,
      status: 'cancelled',
      finishedAt: now,
      updatedAt: now,
      waits: undefined,
      ...(why ? { error: why } : {}),
    },
    steps: open.map((s): StepRecord => ({
      ...s,
      status: 'cancelled',
      endedAt: now,
      attempts: s.attempts.map((a) => (a.outcome === 'running' ? { ...a, outcome: 'cancelled', endedAt: now } : a)),
    })),
  };
}

/** A restart from `stepKey`: the run runs again, without the result it had, marked with where it restarted. */
export function restartedRun(run: RunRecord, stepKey: string, now: number): RunRecord {
  const next: RunRecord = { ...run, status: 'running', updatedAt: now, restartedFrom: { stepKey, at: now } };
  // A "run to here" starts over: whether it reaches its step is said again when it does.
  if (next.partial?.kind === 'up-to') next.partial = { kind: 'up-to', slug: next.partial.slug };
  delete next.output;
  delete next.error;
  delete next.finishedAt;
  delete next.totals; // the dropped records' rounds no longer count: the next launch sums the journal
  return next;
}

/** A new run's record, before its first commit. */
export function newRunRecord(
  now: number,
  args: { id: string; hash: string; name: string; input: unknown; mode: 'durable' | 'direct' },
): RunRecord {
  return {
    id: args.id,
    workflowHash: args.hash,
    workflowName: args.name,
    mode: args.mode,
    input: args.input,
    status: 'pending',
    generation: 0,
    createdAt: now,
    updatedAt: now,
    activeMs: 0,
    depth: 0,
    nextSeq: 0,
  };
}

/** A subworkflow step's child run, in its parent's mode, one level deeper. */
export function childRunRecord(
  now: number,
  args: { id: string; hash: string; workflowName: string; input: unknown; parent: RunRecord; parentStepKey: string },
): RunRecord {
  return {
    ...newRunRecord(now, {
      id: args.id,
      hash: args.hash,
      name: args.workflowName,
      input: args.input,
      mode: args.parent.mode,
    }),
    parentRunId: args.parent.id,
    parentStepKey: args.parentStepKey,
    depth: args.parent.depth + 1,
  };
}

/** The record of a fork of `run` at `stepKey`: same definition, input and sequence, linked to its origin. */
export function forkedRun(run: RunRecord, fork: { id: string; stepKey: string; now: number }): RunRecord {
  const forked: RunRecord = {
    ...newRunRecord(fork.now, {
      id: fork.id,
      hash: run.workflowHash,
      name: run.workflowName,
      input: run.input,
      mode: run.mode,
    }),
    status: 'running',
    nextSeq: run.nextSeq,
    forkedFrom: { runId: run.id, stepKey: fork.stepKey },
  };
  if (run.workflowId) forked.workflowId = run.workflowId;
  // The shared history holds the origin's pinned steps: the steps after the edit keep its pins too.
  if (run.pins) forked.pins = run.pins;
  return forked;
}
