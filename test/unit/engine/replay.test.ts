import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/engine/clock';
import { definitionHash } from '../../../src/schema/hash';
import { MemoryData } from '../../../src/engine/memoryStore';
import type { Attempt, RunRecord, StepRecord } from '../../../src/engine/records';
import type { WorkflowFile } from '../../../src/schema/workflow';
import { createTestEngine, quiesce } from '../../support/engine';
import { chain, llm, set } from '../../support/flows';

const T0 = 1_700_000_000_000;
const RUN = 'r1';

const linear = chain('linear', [
  llm('a', 'A'),
  set('mid', { fromA: '{{steps.a.output}}' }),
  llm('b', 'B {{steps.mid.output.fromA}}'),
  { stepSlug: 'nap', name: 'Nap', stepType: 'wait', config: { durationMs: 5000 } },
  llm('c', 'C'),
]);
const withApproval = chain('approve', [
  {
    stepSlug: 'ask',
    name: 'Ask',
    stepType: 'approval',
    config: { prompt: 'ok?' },
    nextSteps: { approved: 'yes', rejected: 'no' },
  },
  set('yes', { ok: true }, {}),
  set('no', { ok: false }, {}),
]);
const looped = chain('loop', [
  {
    stepSlug: 'each',
    name: 'Each',
    stepType: 'loop',
    config: { forEach: [10, 20, 30], steps: [llm('item', 'item {{loop.item}}')] },
  },
]);

let seq = 0;
const attempt = (outcome: Attempt['outcome'], extra: Partial<Attempt> = {}): Attempt => ({
  n: 1,
  startedAt: T0,
  outcome,
  ...(outcome === 'running' ? {} : { endedAt: T0 }),
  ...extra,
});
function rec(slug: string, status: StepRecord['status'], extra: Partial<StepRecord> = {}, path = ''): StepRecord {
  return {
    kind: 'step',
    key: `${RUN}:${slug}@${path}`,
    runId: RUN,
    slug,
    path,
    stepType: 'llm',
    seq: seq++,
    status,
    attempts: [],
    interruptions: 0,
    startedAt: T0,
    ...(status === 'completed' ? { endedAt: T0 } : {}),
    ...extra,
  } as StepRecord;
}
/** An LLM step that has begun, and its first model round with `extra` (attempts, wake time…). */
function llmStarted(slug: string, round: Partial<StepRecord>): StepRecord[] {
  const step = rec(slug, 'started');
  return [
    step,
    {
      ...rec(slug, 'started', round),
      kind: 'llm-round',
      key: `${step.key}/r1`,
      parentKey: step.key,
      stepType: 'llm-round',
    } as StepRecord,
  ];
}
const trigger = () => rec('start', 'completed', { stepType: 'trigger', output: { value: undefined }, pure: true });

interface Row {
  name: string;
  workflow: WorkflowFile;
  journal: () => StepRecord[];
  events?: Array<{ name: string; payload: unknown }>;
  /** The llm calls (keys and attempt numbers) the resumed engine makes first, in order, before settling. */
  calls: string[];
  /** Expected state afterwards. */
  then?: (data: MemoryData, clock: FakeClock) => void;
}

const ROWS: Row[] = [
  { name: 'an empty journal starts at the first effect', workflow: linear, journal: () => [], calls: ['a#1'] },
  {
    name: 'a completed effect is not run again; the next one starts',
    workflow: linear,
    journal: () => [trigger(), rec('a', 'completed', { output: 'x', attempts: [attempt('ok')] })],
    calls: ['b#1'],
  },
  {
    name: 'a lost pure step is recomputed from recorded outputs',
    workflow: linear,
    journal: () => [trigger(), rec('a', 'completed', { output: 'x', attempts: [attempt('ok')] })],
    calls: ['b#1'],
    then: (data) =>
      expect(data.steps.get(`${RUN}:mid@`)).toMatchObject({ status: 'completed', output: { fromA: 'x' }, pure: true }),
  },
  {
    name: 'an attempt cut off by a reload is retried as the next attempt and counted as interrupted',
    workflow: linear,
    journal: () => [
      trigger(),
      rec('a', 'completed', { output: 'x', attempts: [attempt('ok')] }),
      rec('mid', 'completed', { stepType: 'action', output: { fromA: 'x' } }),
      ...llmStarted('b', { attempts: [attempt('running', { partialText: 'half an ans' })] }),
    ],
    calls: ['b#2'],
    then: (data) => {
      expect(data.steps.get(`${RUN}:b@/r1`)?.attempts.map((a) => a.outcome)).toEqual(['interrupted', 'ok']);
      expect(data.steps.get(`${RUN}:b@/r1`)?.attempts[0]?.partialText).toBe('half an ans');
    },
  },
  {
    name: 'a fifth interruption in a row fails the step as interrupted repeatedly',
    workflow: linear,
    journal: () => [
      trigger(),
      ...llmStarted('a', {
        interruptions: 4,
        attempts: [1, 2, 3, 4].map((n) => attempt('interrupted', { n })).concat(attempt('running', { n: 5 })),
      }),
    ],
    calls: [],
    then: (data) =>
      expect(data.runs.get(RUN)).toMatchObject({
        status: 'failed',
        error: { category: 'interrupted', message: expect.stringMatching(/interrupted repeatedly/) },
      }),
  },
  {
    name: 'a retry scheduled before the reload waits for its recorded time',
    workflow: linear,
    journal: () => [
      trigger(),
      ...llmStarted('a', {
        wakeAt: T0 + 60_000,
        attempts: [attempt('error', { error: { message: '503', category: 'server', retryable: true } })],
      }),
    ],
    calls: [],
    then: (data, clock) => {
      expect(clock.nextWake()).toBe(T0 + 60_000);
      expect(data.steps.get(`${RUN}:a@/r1`)?.attempts).toHaveLength(1);
    },
  },
  {
    name: 'a wait whose wake time passed while the tab was closed continues at once',
    workflow: linear,
    journal: () => [
      trigger(),
      rec('a', 'completed', { output: 'x' }),
      rec('mid', 'completed', { stepType: 'action', output: { fromA: 'x' } }),
      rec('b', 'completed', { output: 'y' }),
      rec('nap', 'waiting', { stepType: 'wait', wakeAt: T0 - 1 }),
    ],
    calls: ['c#1'],
  },
  {
    name: 'a wait still in the future sleeps until its recorded wake time',
    workflow: linear,
    journal: () => [
      trigger(),
      rec('a', 'completed', { output: 'x' }),
      rec('mid', 'completed', { stepType: 'action', output: { fromA: 'x' } }),
      rec('b', 'completed', { output: 'y' }),
      rec('nap', 'waiting', { stepType: 'wait', wakeAt: T0 + 4000 }),
    ],
    calls: [],
    then: (_data, clock) => expect(clock.nextWake()).toBe(T0 + 4000),
  },
  {
    name: 'an approval sent while the tab was closed is consumed on resume',
    workflow: withApproval,
    journal: () => [trigger(), rec('ask', 'waiting', { stepType: 'approval', input: { prompt: 'ok?' } })],
    events: [{ name: `approval:${RUN}:ask@`, payload: { approved: false } }],
    calls: [],
    then: (data) => expect(data.runs.get(RUN)).toMatchObject({ status: 'completed', output: { ok: false } }),
  },
  {
    name: 'a loop resumes at its first unfinished iteration',
    workflow: looped,
    journal: () => [
      trigger(),
      rec('each', 'started', { stepType: 'loop' }),
      rec('item', 'completed', { output: 'one' }, 'each[0]'),
    ],
    calls: ['each[1]#1', 'each[2]#1'],
    then: (data) => expect(data.runs.get(RUN)?.output).toEqual(['one', 'llm:item 20', 'llm:item 30']),
  },
  {
    name: 'a completed run does nothing',
    workflow: linear,
    journal: () => [trigger()],
    calls: [],
    then: (data) => expect(data.runs.get(RUN)?.status).toBe('completed'),
  },
];

describe('journal so far → next action on resume', () => {
  it.each(ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    seq = 0;
    const data = new MemoryData();
    const clock = new FakeClock(T0);
    const hash = await definitionHash(row.workflow);
    // Stored as runs from before parsed definitions were kept: the file as given, parsed again on resume.
    data.definitions.set(hash, { definition: row.workflow, parsed: false });
    const journal = row.journal();
    const finished = row.name.startsWith('a completed run');
    const run: RunRecord = {
      id: RUN,
      workflowHash: hash,
      workflowName: 'w',
      mode: 'durable',
      input: {},
      status: finished ? 'completed' : 'running',
      generation: 0,
      createdAt: T0,
      updatedAt: T0,
      activeMs: 0,
      depth: 0,
      nextSeq: journal.length,
    };
    data.runs.set(RUN, run);
    for (const step of journal) {
      data.steps.set(step.key, step);
      if (!data.stepsByRun.has(RUN)) data.stepsByRun.set(RUN, new Set());
      data.stepsByRun.get(RUN)!.add(step.key);
    }
    (row.events ?? []).forEach((e, i) =>
      data.events.set(`e${i}`, { id: `e${i}`, runId: RUN, name: e.name, payload: e.payload, sentAt: T0 }),
    );
    const calls: string[] = [];
    const t = createTestEngine({
      data,
      clock,
      runners: {
        llm: async (req, call) => {
          calls.push(
            `${req.key
              .slice(`${RUN}:`.length)
              .replace(/^item@/, '')
              .replace(/@$/, '')}#${call.attempt}`,
          );
          return `llm:${req.userPrompt}`;
        },
      },
    });
    await t.engine.resumeAll();
    await quiesce(data);
    expect(calls.slice(0, row.calls.length)).toEqual(row.calls);
    if (row.calls.length === 0) expect(calls).toEqual([]);
    row.then?.(data, clock);
  });
});

describe('stored definitions', () => {
  it("a run stores its definition parsed, with the format's defaults filled in (what a resume compiles)", async () => {
    const workflow = chain('parsed', [set('a', { x: 1 })]);
    const trigger = workflow.stepsConfig[0] as { config: Record<string, unknown> };
    delete trigger.config.type; // filled in by the parse: "manual"
    const t = createTestEngine();
    const run = await t.runToEnd(await t.engine.start({ workflow, input: {} }));
    expect(run.status).toBe('completed');
    const stored = t.data.definitions.get(run.workflowHash)!;
    expect(stored.parsed).toBe(true);
    expect((stored.definition.stepsConfig[0] as { config: { type?: string } }).config.type).toBe('manual');
  });
});
