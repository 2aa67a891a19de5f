import type { RunRecord, StepRecord } from '../../engine/records';
import { diffJson, type JsonChange } from '../../schema/workflowDiff';
import { runTotals, type RunTotals } from '../runs/cost';

/**
 * Two runs of a workflow, step by step: records are aligned by their step key without the run id (`slug@path`, the
 * same step in the same loop iteration or branch), and each pair says what differs — status, branch taken, output.
 * Pure: the view reads the records, this compares them.
 */

export type StepDifference = 'only-a' | 'only-b' | 'status' | 'branch' | 'output';

export interface ComparedStep {
  /** `slug@path`, the key both runs share. */
  place: string;
  slug: string;
  path: string;
  a: StepRecord | undefined;
  b: StepRecord | undefined;
  differences: StepDifference[];
  /** The output's JSON diff, A → B (empty when the outputs are equal or a side is missing). */
  outputChanges: JsonChange[];
}

export interface RunSide {
  run: RunRecord;
  steps: readonly StepRecord[];
}

export interface SideTotals {
  cost: RunTotals;
  /** Start to finish (or to now, for a run in flight). */
  wallMs: number;
  /** Running time: waits and time the app was closed do not count. */
  activeMs: number;
  steps: number;
}

export interface RunComparison {
  steps: ComparedStep[];
  differing: number;
  totals: { a: SideTotals; b: SideTotals };
}

/** The place a record holds in any run of its workflow: its key without the run id. */
export function placeOf(record: StepRecord): string {
  return record.key.slice(record.runId.length + 1);
}

/** The workflow's steps only: a step's model rounds and tool calls are summed in its own record already. */
const ownSteps = (steps: readonly StepRecord[]) => steps.filter((s) => s.kind === 'step');

function differencesOf(a: StepRecord | undefined, b: StepRecord | undefined, output: JsonChange[]): StepDifference[] {
  if (!a) return ['only-b'];
  if (!b) return ['only-a'];
  const found: StepDifference[] = [];
  if (a.status !== b.status) found.push('status');
  if (a.branch !== b.branch) found.push('branch');
  if (output.length > 0) found.push('output');
  return found;
}

function totalsOf(side: RunSide, now: number): SideTotals {
  const steps = ownSteps(side.steps);
  return {
    cost: runTotals(steps),
    wallMs: (side.run.finishedAt ?? now) - side.run.createdAt,
    activeMs: side.run.activeMs,
    steps: steps.length,
  };
}

export function compareRuns(a: RunSide, b: RunSide, now: number): RunComparison {
  const byPlace = new Map<string, { a?: StepRecord; b?: StepRecord }>();
  // A's recording order first; steps only B ran follow in B's order.
  for (const record of [...ownSteps(a.steps)].sort((x, y) => x.seq - y.seq))
    byPlace.set(placeOf(record), { a: record });
  for (const record of [...ownSteps(b.steps)].sort((x, y) => x.seq - y.seq)) {
    const pair = byPlace.get(placeOf(record));
    if (pair) pair.b = record;
    else byPlace.set(placeOf(record), { b: record });
  }
  const steps = [...byPlace].map(([place, pair]): ComparedStep => {
    const record = (pair.a ?? pair.b)!;
    const outputChanges = pair.a && pair.b ? diffJson(pair.a.output, pair.b.output) : [];
    return {
      place,
      slug: record.slug,
      path: record.path,
      a: pair.a,
      b: pair.b,
      differences: differencesOf(pair.a, pair.b, outputChanges),
      outputChanges,
    };
  });
  return {
    steps,
    differing: steps.filter((s) => s.differences.length > 0).length,
    totals: { a: totalsOf(a, now), b: totalsOf(b, now) },
  };
}

/** The workflow's run started just before `run`, if any. */
export function previousRun(run: RunRecord, runs: readonly RunRecord[]): RunRecord | undefined {
  return runs
    .filter((r) => r.id !== run.id && r.createdAt <= run.createdAt && r.parentRunId === undefined)
    .sort((x, y) => y.createdAt - x.createdAt)[0];
}
