import { useLiveQuery } from 'dexie-react-hooks';
import type { ReactNode } from 'react';
import type { RunRecord, StepRecord } from '../../engine/records';
import { useDb } from '../DbContext';
import { formatDuration } from './format';
import { recordedDurationMs, recordedKeyOf } from './recordedDuration';

/**
 * How long a finished step took, for "took …": its own time, or, for a replay's step answered from the recording,
 * the time recorded, marked so (`recordedDuration.ts`). Undefined while unfinished, or while the recorded step
 * of a replay is read (so a replay never flashes "0 ms").
 */
export function useStepDuration(run: Pick<RunRecord, 'id' | 'replayOf'>, step: StepRecord): ReactNode | undefined {
  const db = useDb();
  const key = recordedKeyOf(run, step);
  const finished = step.endedAt !== undefined;
  const recorded = useLiveQuery(
    async () =>
      key === undefined || !finished ? null : (((await db.steps.get(key)) as StepRecord | undefined) ?? null),
    [db, key, finished],
  );
  if (step.endedAt === undefined || (key !== undefined && recorded === undefined)) return undefined;
  const recordedMs = recordedDurationMs(step, recorded ?? undefined);
  if (recordedMs === undefined) return formatDuration(step.endedAt - step.startedAt);
  const replayMs = formatDuration(step.endedAt - step.startedAt);
  const explained = `Answered from the recording: the time the step took when recorded (the replay: ${replayMs})`;
  return (
    <span className="recorded-duration" data-recorded-duration={recordedMs} title={explained}>
      {formatDuration(recordedMs)} (recorded)
    </span>
  );
}
