import type { StepOutcome } from './frame';
import type { StepRecord } from './records';

/**
 * The one replay rule, for steps and for the effects inside them (LLM rounds, tool calls): the
 * record under a key that finished returns its recorded outcome and never runs again; anything
 * else (no record, started, waiting, cancelled) runs, and the run records its outcome.
 */
export function replayOrRun(
  record: StepRecord | undefined,
  run: (existing: StepRecord | undefined) => Promise<StepOutcome>,
): StepOutcome | Promise<StepOutcome> {
  // A replayed outcome is returned as it is, not wrapped in a promise: resuming 10,000 steps stays cheap.
  return (record && recordedOutcome(record)) ?? run(record);
}

export function isFinished(record: StepRecord): boolean {
  return record.status === 'completed' || record.status === 'failed';
}

/** The outcome a finished record holds; undefined while it has not finished. */
export function recordedOutcome(record: StepRecord): StepOutcome | undefined {
  if (record.status === 'completed') {
    return record.branch === undefined
      ? { status: 'ok', output: record.output }
      : { status: 'ok', output: record.output, branch: record.branch };
  }
  if (record.status !== 'failed') return undefined;
  const error = record.error ?? { message: 'step failed', category: 'internal' as const, retryable: false };
  return record.branch === 'timeout' ? { status: 'timeout', error } : { status: 'failed', error };
}
