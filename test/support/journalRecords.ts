import type { Attempt, StepRecord } from '../../src/engine/records';

/** Journal records as the engine writes them, for tests of what the inspector draws from them. */

let nextSeq = 0;

/** A completed step record of `runId` keyed by slug and path (seq in creation order), with `fields` on top. */
export function journalStep(runId: string, slug: string, fields: Partial<StepRecord> = {}): StepRecord {
  const path = fields.path ?? '';
  return {
    kind: 'step',
    key: `${runId}:${slug}@${path}`,
    runId,
    slug,
    path,
    stepType: 'action',
    seq: nextSeq++,
    status: 'completed',
    attempts: [],
    interruptions: 0,
    startedAt: 0,
    endedAt: 10,
    ...fields,
  } as StepRecord;
}

export function journalAttempt(
  n: number,
  startedAt: number,
  endedAt: number | undefined,
  outcome: Attempt['outcome'],
): Attempt {
  return { n, startedAt, endedAt, outcome };
}
