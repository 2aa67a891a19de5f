import type { RunRecord, StepRecord } from '../../src/engine/records';

/** A waiting run and its step records, for component tests of the run view. */
export const waitingRun: RunRecord = {
  id: 'run1',
  workflowHash: 'h',
  workflowName: 'W',
  mode: 'durable',
  input: {},
  status: 'waiting',
  generation: 0,
  createdAt: 0,
  updatedAt: 0,
  activeMs: 0,
  depth: 0,
  nextSeq: 3,
};

/** A waiting step record of `waitingRun` (slug `slug`), with `fields` on top. */
export function waitingStep(slug: string, fields: Partial<StepRecord> = {}): StepRecord {
  return {
    kind: 'step',
    key: `run1:${slug}@`,
    runId: 'run1',
    slug,
    path: '',
    stepType: 'action',
    seq: 1,
    status: 'waiting',
    attempts: [],
    interruptions: 0,
    startedAt: 0,
    ...fields,
  } as StepRecord;
}
