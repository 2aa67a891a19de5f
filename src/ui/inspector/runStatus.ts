import type { StepRecord } from '../../engine/records';
import type { Step } from '../../schema/steps';
import type { GraphModel } from '../graph/model';

/**
 * A run's state per graph node: what the canvas of a run shows on each step. Pure: records and the
 * graph of the definition the run ran in, a status per node out. Node ids are slugs (see graph/model.ts).
 */

export type NodeStatus = 'pending' | 'running' | 'waiting' | 'completed' | 'failed' | 'cancelled' | 'skipped';

export interface NodeRunState {
  status: NodeStatus;
  /** Attempts of the step's latest execution (a loop body step runs once per iteration). */
  attempts: number;
  /** How many times the step ran (iterations of the loops around it). */
  executions: number;
  /** A loop: iterations finished, and how many there are when that is known (a literal list, or once done). */
  iterations?: { done: number; total: number | undefined };
  /** The latest execution's record key, which the step's address names; none for a step not reached. */
  stepKey?: string;
}

const RECORD_STATUS: Record<StepRecord['status'], NodeStatus> = {
  started: 'running',
  waiting: 'waiting',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** A started step whose last attempt failed and whose retry is due later waits out its backoff. */
function statusOf(record: StepRecord): NodeStatus {
  const last = record.attempts[record.attempts.length - 1];
  const backingOff = record.status === 'started' && record.wakeAt !== undefined && last?.outcome === 'error';
  return backingOff ? 'waiting' : RECORD_STATUS[record.status];
}

/** `runFinished`: a step with no record was skipped (the run went another way), not pending. */
export function nodeRunStates(
  model: GraphModel,
  records: readonly StepRecord[],
  runFinished: boolean,
  loops: ReadonlyMap<string, Extract<Step, { stepType: 'loop' }>>,
): Map<string, NodeRunState> {
  const bySlug = new Map<string, StepRecord[]>();
  for (const record of records) {
    if (record.kind !== 'step') continue;
    const list = bySlug.get(record.slug);
    if (list) list.push(record);
    else bySlug.set(record.slug, [record]);
  }
  const states = new Map<string, NodeRunState>();
  for (const node of model.nodes) {
    if (node.data.kind !== 'step') continue;
    const own = bySlug.get(node.data.slug) ?? [];
    const latest = own.reduce<StepRecord | undefined>((a, b) => (a === undefined || b.seq > a.seq ? b : a), undefined);
    const state: NodeRunState = latest
      ? {
          status: statusOf(latest),
          attempts: latest.attempts.length,
          executions: own.length,
          stepKey: latest.key,
        }
      : { status: runFinished ? 'skipped' : 'pending', attempts: 0, executions: 0 };
    const loop = loops.get(node.data.slug);
    if (loop) state.iterations = loopIterations(loop, latest, records);
    states.set(node.id, state);
  }
  return states;
}

/** The loops of a definition by slug, at any depth. */
export function loopsBySlug(steps: readonly Step[]): Map<string, Extract<Step, { stepType: 'loop' }>> {
  const loops = new Map<string, Extract<Step, { stepType: 'loop' }>>();
  const pending = [...steps];
  for (let step = pending.pop(); step; step = pending.pop()) {
    if (step.stepType === 'loop') {
      loops.set(step.stepSlug, step);
      pending.push(...step.config.steps);
    } else if (step.stepType === 'parallel') {
      for (const body of Object.values(step.config.branches)) pending.push(...body);
    }
  }
  return loops;
}

/**
 * An iteration is done when every record under it completed. Iterations live under `<slug>[<index>]`
 * path segments (engine/frame.ts `iterationPath`); the latest execution of the loop counts.
 */
function loopIterations(
  loop: Extract<Step, { stepType: 'loop' }>,
  latest: StepRecord | undefined,
  records: readonly StepRecord[],
): { done: number; total: number | undefined } {
  const prefix = latest ? `${latest.path ? `${latest.path}/` : ''}${loop.stepSlug}[` : undefined;
  const finished = new Map<number, boolean>();
  if (prefix !== undefined) {
    for (const record of records) {
      if (!record.path.startsWith(prefix)) continue;
      const index = Number.parseInt(record.path.slice(prefix.length), 10);
      if (!Number.isInteger(index)) continue;
      finished.set(index, (finished.get(index) ?? true) && record.status === 'completed');
    }
  }
  const done = [...finished.values()].filter(Boolean).length;
  const { forEach } = loop.config;
  // A resolved list's length is recorded at the loop's start (`meta.items`), so it shows while the loop runs.
  const total = Array.isArray(forEach)
    ? forEach.length
    : latest?.status === 'completed' && Array.isArray(latest.output)
      ? latest.output.length
      : latest?.meta?.items;
  return { done, total };
}

export const STATUS_WORDS: Record<NodeStatus, string> = {
  pending: 'pending',
  running: 'running',
  waiting: 'waiting',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
  skipped: 'skipped (not reached)',
};

/** The state in words, for the node's label: "failed, 3 attempts, 2 of 3 iterations done". */
export function describeNodeState(state: NodeRunState): string {
  const parts = [STATUS_WORDS[state.status]];
  if (state.attempts > 1) parts.push(`${state.attempts} attempts`);
  if (state.executions > 1) parts.push(`ran ${state.executions} times`);
  if (state.iterations) {
    const { done, total } = state.iterations;
    parts.push(total === undefined ? `${done} iterations done` : `${done} of ${total} iterations done`);
  }
  return parts.join(', ');
}
