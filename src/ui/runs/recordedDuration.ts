import type { RunRecord, StepRecord } from '../../engine/records';
import { stableStringify } from '../../schema/hash';

/**
 * Pure: how long a replay's step took when it was recorded. A replay (`RunRecord.replayOf`) answers a step from
 * the recording of the run it replays in no time at all, so its own duration (0 ms) says nothing; the recorded
 * step's does. A step is answered from the recording when it is an LLM step whose answer came from it (provider
 * `recorded`), or a step with an effect (never `pure`: http, table) begun with the input the recording has, as
 * the executor matches them, and ending with its output. Anything run live keeps its own time.
 */

/** The recorded step a replay's step stands for: the same key within the imported run. */
export function recordedKeyOf(run: Pick<RunRecord, 'id' | 'replayOf'>, step: Pick<StepRecord, 'key'>) {
  if (run.replayOf === undefined || !step.key.startsWith(`${run.id}:`)) return undefined;
  return `${run.replayOf}:${step.key.slice(run.id.length + 1)}`;
}

export function recordedDurationMs(step: StepRecord, recorded: StepRecord | undefined): number | undefined {
  if (!recorded || recorded.endedAt === undefined || step.pure || step.status !== 'completed') return undefined;
  if (recorded.status !== 'completed' || recorded.stepType !== step.stepType) return undefined;
  const answered =
    step.stepType === 'llm'
      ? step.meta?.provider === 'recorded'
      : stableStringify(step.input) === stableStringify(recorded.input) &&
        stableStringify(step.output) === stableStringify(recorded.output);
  return answered ? recorded.endedAt - recorded.startedAt : undefined;
}
