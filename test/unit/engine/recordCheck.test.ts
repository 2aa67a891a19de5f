import { describe, expect, it } from 'vitest';
import { readStepRecord } from '../../../src/engine/recordCheck';
import { stepRecordSchema, UnreadableRecordError, type StepRecord } from '../../../src/engine/records';
import { TEMPLATES } from '../../../src/templates';
import { createTestEngine } from '../../support/engine';
import type { StepApi } from '../../../src/engine/stepApi';

/**
 * A store checks each step record it reads by hand (fast) and falls back to the zod schema when the
 * hand check says no. It must never accept a record the schema refuses: checked over real records
 * and every single-field mutation of them.
 */

const step: StepRecord = {
  kind: 'step',
  key: 'r:a@',
  runId: 'r',
  slug: 'a',
  path: '',
  stepType: 'action',
  seq: 0,
  status: 'completed',
  attempts: [{ n: 1, startedAt: 1, endedAt: 2, outcome: 'ok' }],
  interruptions: 0,
  input: { x: 1 },
  output: [1, 'two'],
  branch: 'success',
  startedAt: 1,
  endedAt: 2,
  pure: false,
};
const round: StepRecord = {
  kind: 'llm-round',
  key: 'r:ask@/r1',
  runId: 'r',
  slug: 'ask',
  path: '',
  stepType: 'llm-round',
  parentKey: 'r:ask@',
  seq: 1,
  status: 'failed',
  interruptions: 1,
  startedAt: 3,
  endedAt: 9,
  wakeAt: 12,
  attempts: [
    {
      n: 1,
      startedAt: 3,
      endedAt: 5,
      outcome: 'error',
      error: { message: '429', category: 'rate-limit', retryable: true, retryAfterMs: 1000 },
    },
    { n: 2, startedAt: 6, endedAt: 9, outcome: 'timeout', partialText: 'Hel' },
  ],
  error: { message: 'timed out', category: 'timeout', retryable: true },
  meta: {
    provider: 'demo',
    model: 'demo-1',
    usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 },
    rounds: 2,
    costUsd: 0.01,
    priceSource: { kind: 'table', asOf: '2025-08-07' },
    note: 'n',
  },
};
const tool: StepRecord = {
  kind: 'tool-call',
  key: 'r:ask@/r1/tool0',
  runId: 'r',
  slug: 'ask',
  path: 'each[2]',
  stepType: 'tool',
  parentKey: 'r:ask@/r1',
  seq: 2,
  status: 'waiting',
  attempts: [{ n: 1, startedAt: 4, outcome: 'running' }],
  interruptions: 0,
  startedAt: 4,
  childRunId: 'c1',
};

const WRONG_VALUES: unknown[] = [
  undefined,
  null,
  '',
  'x',
  0,
  -1,
  1.5,
  Number.NaN,
  Infinity,
  2 ** 60,
  true,
  {},
  [],
  [{}],
];

function* mutations(record: Record<string, unknown>): Generator<unknown> {
  for (const field of [...Object.keys(record), 'kind', 'stepType', 'parentKey', 'endedAt', 'error', 'meta', 'status']) {
    for (const value of [...WRONG_VALUES, 'step', 'llm-round', 'tool-call', 'tool', 'completed', 'failed']) {
      const copy: Record<string, unknown> = { ...record, [field]: value };
      if (value === undefined) delete copy[field];
      yield copy;
    }
  }
  const attempts = record.attempts as Record<string, unknown>[];
  for (const [index, attempt] of attempts.entries()) {
    for (const field of ['n', 'startedAt', 'endedAt', 'outcome', 'error', 'partialText']) {
      for (const value of WRONG_VALUES)
        yield { ...record, attempts: attempts.map((a, i) => (i === index ? { ...attempt, [field]: value } : a)) };
    }
  }
  const meta = record.meta as Record<string, unknown> | undefined;
  for (const field of [
    'provider',
    'model',
    'usage',
    'rounds',
    'costUsd',
    'priceSource',
    'note',
    'winner',
    'forkedFrom',
    'fromAnotherVersion',
  ]) {
    for (const value of WRONG_VALUES) yield { ...record, meta: { ...meta, [field]: value } };
  }
  for (const value of WRONG_VALUES) yield { ...record, meta: { ...meta, usage: { inputTokens: value } } };
  yield { ...record, meta: { ...meta, usage: { inputTokens: 1, fromAnotherVersion: 2 } } };
  for (const priceSource of [{ kind: 'table' }, { kind: 'settings', asOf: 'x' }, { kind: 'table', asOf: 1 }])
    yield { ...record, meta: { ...meta, priceSource } };
  yield { ...record, waitingFor: 'an old sentence' };
  for (const value of WRONG_VALUES)
    yield { ...record, error: { message: 'm', category: 'server', retryable: true, retryAfterMs: value } };
}

function verdict(value: unknown): 'read' | 'unreadable' {
  try {
    readStepRecord(value, 'k');
    return 'read';
  } catch (error) {
    if (error instanceof UnreadableRecordError) return 'unreadable';
    throw error;
  }
}

async function recordsOfARealRun(): Promise<StepRecord[]> {
  const t = createTestEngine();
  const digest = TEMPLATES.find((template) => template.id === 'customer-digest')!;
  await t.runToEnd(await t.engine.start({ workflow: digest.doc, input: {} }));
  return [...t.data.steps.values()] as StepRecord[];
}

describe('the hand check of step records agrees with the schema', () => {
  it('reads every record of a real run and each fixture as it is (no copy)', async () => {
    const real = await recordsOfARealRun();
    expect(real.length).toBeGreaterThan(3);
    for (const record of [...real, step, round, tool]) {
      expect(stepRecordSchema.safeParse(record).success).toBe(true);
      expect(readStepRecord(record, record.key)).toBe(record);
    }
  });

  it('refuses exactly what the schema refuses, over every single-field mutation', async () => {
    let tried = 0;
    let refused = 0;
    for (const record of [step, round, tool, ...(await recordsOfARealRun()).slice(0, 5)]) {
      for (const mutated of mutations(record as unknown as Record<string, unknown>)) {
        const parsed = stepRecordSchema.safeParse(mutated);
        const schema = parsed.success ? 'read' : 'unreadable';
        expect({ mutated, verdict: verdict(mutated) }).toEqual({ mutated, verdict: schema });
        // What is read is what the schema gives (unknown keys dropped alike).
        if (parsed.success) expect(readStepRecord(mutated, 'k')).toEqual(parsed.data);
        tried++;
        if (schema === 'unreadable') refused++;
      }
    }
    expect(tried).toBeGreaterThan(1_000);
    expect(refused).toBeGreaterThan(tried / 2);
  });
});

describe('step record types say what each status promises', () => {
  it('refuses, at compile time, a finished record without its end time or a failure without its error', () => {
    const { endedAt: _ended, ...unfinished } = step;
    // @ts-expect-error a completed record has an end time
    const completedWithoutEnd: StepRecord = { ...unfinished, status: 'completed' };
    const { error: _error, ...withoutError } = { ...round, error: undefined };
    // @ts-expect-error a failed record says why
    const failedWithoutError: StepRecord = { ...withoutError, status: 'failed' };
    const running: StepRecord = { ...unfinished, status: 'started' };
    // The run-time check agrees with the types.
    expect(() => readStepRecord(completedWithoutEnd, 'k')).toThrow(/endedAt/);
    expect(() => readStepRecord(failedWithoutError, 'k')).toThrow(/error/);
    expect(readStepRecord(running, 'k').status).toBe('started');
  });
});

// Compile-time only: a handler's meta is the record's typed meta, never any object.
export function metaIsTyped(api: StepApi): void {
  api.setMeta({ model: 'm', usage: { inputTokens: 1 } });
  // @ts-expect-error an unknown meta field is refused
  api.setMeta({ modle: 'm' });
}
