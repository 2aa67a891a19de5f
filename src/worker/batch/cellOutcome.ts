import type { Engine } from '../../engine/engine';
import type { RunRecord, StepRecord } from '../../engine/records';
import type { EngineStore } from '../../engine/store';
import { evaluateCell, judgeWorkflow, readJudgeVerdict } from '../../schema/evaluators';
import type { EvaluationResult, Evaluator, ExperimentRow } from '../../schema/experiment';
import { judgeRunId, type BatchCellRecord } from '../../store/batches';
import { errorMessage } from '../../schema/errorMessage';

/** What a cell's bookkeeping records once its run has finished (and its judges answered). */
export type CellOutcome = Pick<
  BatchCellRecord,
  | 'status'
  | 'output'
  | 'error'
  | 'tokens'
  | 'costUsd'
  | 'latencyMs'
  | 'evaluations'
  | 'judgeTokens'
  | 'judgeCostUsd'
  | 'finishedAt'
>;

/** Tokens and estimated cost of a run: its steps' meta (each LLM step already sums its rounds). */
export function runUsage(steps: readonly StepRecord[]): { tokens: number; costUsd: number } {
  let tokens = 0;
  let costUsd = 0;
  for (const step of steps) {
    if (step.kind !== 'step' || !step.meta) continue;
    const usage = step.meta.usage;
    if (usage) tokens += usage.totalTokens ?? (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0);
    costUsd += step.meta.costUsd ?? 0;
  }
  return { tokens, costUsd };
}

/** Tokens and estimated cost of a run and of every child run its steps started (subworkflows, nested). */
export async function runTreeUsage(store: EngineStore, runId: string): Promise<{ tokens: number; costUsd: number }> {
  const steps = await store.loadSteps(runId);
  const total = runUsage(steps);
  // A retried subworkflow step names the same child run again: it counts once.
  for (const childId of new Set(steps.flatMap((step) => step.childRunId ?? []))) {
    const child = await runTreeUsage(store, childId);
    total.tokens += child.tokens;
    total.costUsd += child.costUsd;
  }
  return total;
}

/** Running time: the run's active time (a closed tab does not count), else start to end. */
function latencyOf(run: RunRecord): number {
  return run.activeMs > 0 ? run.activeMs : Math.max(0, (run.finishedAt ?? run.updatedAt) - run.createdAt);
}

export interface CellWork {
  engine: Engine;
  evaluators: Evaluator[];
  row: ExperimentRow;
  batchId: string;
  now: () => number;
  /** The workflow has LLM or subworkflow steps: its tokens and cost are read from its runs' steps (else none). */
  countUsage: boolean;
}

/** The outcome of a finished cell run: its status, output, usage and, once completed, every evaluator's verdict. */
export async function cellOutcome(work: CellWork, run: RunRecord): Promise<CellOutcome> {
  const usage = work.countUsage ? await runTreeUsage(work.engine.deps.store, run.id) : { tokens: 0, costUsd: 0 };
  const base = { tokens: usage.tokens, costUsd: usage.costUsd, latencyMs: latencyOf(run) };
  if (run.status === 'failed') return { ...base, status: 'failed', error: run.error?.message ?? 'the run failed' };
  if (run.status !== 'completed') return { ...base, status: 'cancelled', error: run.error?.message };
  const evaluations = await evaluate(work, run);
  const judged = evaluations.filter((result) => result.judgeRunId !== undefined);
  const outcome: CellOutcome = { ...base, status: 'completed', output: run.output, evaluations };
  if (judged.length > 0) {
    outcome.judgeTokens = judged.reduce((sum, result) => sum + (result.tokens ?? 0), 0);
    outcome.judgeCostUsd = judged.reduce((sum, result) => sum + (result.costUsd ?? 0), 0);
  }
  return outcome;
}

/** Pure checks at once, then each LLM judge as a durable run (its id derived from the cell's run: never twice). */
async function evaluate(work: CellWork, run: RunRecord): Promise<EvaluationResult[]> {
  const context = { input: work.row, output: run.output, nowMs: work.now() };
  const pure = await evaluateCell(work.evaluators, context);
  const results: EvaluationResult[] = [];
  let judgeIndex = 0;
  for (const evaluator of work.evaluators) {
    if (evaluator.kind !== 'llm-judge') {
      results.push(pure.shift()!);
      continue;
    }
    results.push(await runJudge(work, evaluator, run, judgeRunId(run.id, judgeIndex++)));
  }
  return results;
}

async function runJudge(
  work: CellWork,
  evaluator: Extract<Evaluator, { kind: 'llm-judge' }>,
  cellRun: RunRecord,
  runId: string,
): Promise<EvaluationResult> {
  const verdictOf = (pass: boolean, reason: string): EvaluationResult => ({ evaluatorId: evaluator.id, pass, reason });
  let judgeRun: RunRecord;
  try {
    const judge = judgeWorkflow(evaluator, { input: work.row, output: cellRun.output });
    await work.engine.start({ workflow: judge.workflow, input: judge.input, runId, batchId: work.batchId });
    judgeRun = await work.engine.awaitRun(runId);
  } catch (error) {
    return verdictOf(false, `the judge could not run: ${errorMessage(error)}`);
  }
  const usage = runUsage(await work.engine.deps.store.loadSteps(runId));
  const verdict =
    judgeRun.status === 'completed'
      ? readJudgeVerdict(judgeRun.output)
      : { pass: false, reason: `the judge run ${judgeRun.status}: ${judgeRun.error?.message ?? 'no answer'}` };
  return {
    ...verdictOf(verdict.pass, verdict.reason),
    judgeRunId: runId,
    tokens: usage.tokens,
    costUsd: usage.costUsd,
  };
}
