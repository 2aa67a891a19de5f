import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/engine/clock';
import { Engine } from '../../../src/engine/engine';
import { MemoryData } from '../../../src/engine/memoryStore';
import { FINISHED_RUN_STATUSES } from '../../../src/engine/records';
import type { HttpRequest, Runners } from '../../../src/engine/runtime';
import type { WorkflowFile } from '../../../src/schema/workflow';
import { quiesce } from '../../support/engine';
import { chain, http, set, transform } from '../../support/flows';
import { CountingStore, crashInjectionCases, runThroughCrashes, type CrashRun } from '../../support/resumeCrash';

const HOSTS = { allowedHosts: ['api.example.com'] };

/** A for-each loop over `input.items`: a POST per item, then a step reading the previous iteration's output. */
function forEachLoop(concurrency = 1): WorkflowFile {
  return chain(
    'for each',
    [
      set('before', { n: '{{input.n}}' }),
      {
        stepSlug: 'each',
        name: 'each',
        stepType: 'loop',
        config: {
          forEach: '{{input.items}}',
          concurrency,
          steps: [
            http('post', 'https://api.example.com/item/{{loop.item}}', {}, { success: 'acc' }),
            transform('acc', '[loop.item, loop.previous.acc.output]'),
          ],
        },
      },
      set('after', { count: '{{steps.each.output}}', n: '{{steps.before.output.n}}' }),
    ],
    HOSTS,
  );
}

/** A while loop counting to `input.n`, each iteration POSTing the previous count. */
const whileLoop: WorkflowFile = chain(
  'while',
  [
    {
      stepSlug: 'count',
      name: 'count',
      stepType: 'loop',
      config: {
        while: 'loop.index = 0 or loop.previous.next.output < $number($string(input.n))',
        maxIterations: 1000,
        steps: [
          http('post', 'https://api.example.com/count/{{loop.previous.next.output}}', {}, { success: 'next' }),
          transform('next', 'loop.index + 1'),
        ],
      },
    },
    set('after', { counted: '{{steps.count.output}}' }),
  ],
  HOSTS,
);

interface Page {
  engine: Engine;
  store: CountingStore;
  posts: string[];
  /** What the store had read when the first request went out: the resume's own reads. */
  readsAtFirstPost?: { records: number; whole: number };
}

/** A page whose POSTs to a URL ending in one of `hold` never return. */
function page(data: MemoryData, clock: FakeClock, hold: string[] = []): Page {
  const posts: string[] = [];
  const httpRunner: NonNullable<Runners['http']> = async (request: HttpRequest) => {
    posts.push(request.url.slice('https://api.example.com/'.length));
    p.readsAtFirstPost ??= { records: store.recordsRead, whole: store.wholeJournalReads };
    if (hold.some((url) => request.url.endsWith(`/${url}`))) return new Promise(() => undefined);
    return { status: 200, statusText: 'OK', headers: {}, body: { url: request.url } };
  };
  const store = new CountingStore(data);
  const engine = new Engine({ store, clock, runners: { http: httpRunner }, newId: () => `run${data.runs.size + 1}` });
  const p: Page = { engine, store, posts };
  return p;
}

interface Case {
  name: string;
  workflow: WorkflowFile;
  input: unknown;
  /** The POSTs the first page never hears back from. */
  hold: string[];
  /** Drop the loop's progress from its record, as a loop stored before it was kept. */
  oldRun?: boolean;
  /** The POSTs the resumed page sends first (the ones cut off, sent again), in order. */
  next: string[];
  /** At most this many records read by the resume (before the loop's end reads the rest for its output). */
  reads: number;
}

const items = (n: number) => Array.from({ length: n }, (_, i) => `i${i}`);
const CASES: Case[] = [
  {
    name: 'for-each, cut off at iteration 250 of 300',
    workflow: forEachLoop(),
    input: { n: 1, items: items(300) },
    hold: ['item/i250'],
    next: ['item/i250', 'item/i251'],
    reads: 10,
  },
  {
    name: 'for-each three at once, cut off with three in flight',
    workflow: forEachLoop(3),
    input: { n: 1, items: items(60) },
    hold: ['item/i40', 'item/i41', 'item/i43'],
    next: ['item/i40', 'item/i41', 'item/i43'],
    reads: 20,
  },
  {
    name: 'while, cut off at iteration 120 (its condition reads the previous one)',
    workflow: whileLoop,
    input: { n: 150 },
    hold: ['count/120'],
    next: ['count/120', 'count/121'],
    reads: 10,
  },
  {
    name: 'for-each stored before loops kept their progress (read back to the anchor)',
    workflow: forEachLoop(),
    input: { n: 1, items: items(50) },
    hold: ['item/i30'],
    oldRun: true,
    next: ['item/i30', 'item/i31'],
    reads: 200,
  },
];

describe('a loop resumes from its newest finished iteration: journal so far → next action', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const reference = await runThroughCrashes({ workflow: c.workflow, input: c.input }, []);
    const data = new MemoryData();
    const clock = new FakeClock(1_700_000_000_000);
    const first = page(data, clock, c.hold);
    const runId = await first.engine.start({ workflow: c.workflow, input: c.input });
    await quiesce(data);
    first.engine.shutdown();
    if (c.oldRun) for (const record of data.steps.values()) delete record.meta?.loopProgress;
    const before = new Set(first.posts);

    const second = page(data, clock);
    await second.engine.resumeAll();
    for (let i = 0; i < 50 && !FINISHED_RUN_STATUSES.has(data.runs.get(runId)!.status); i++) await quiesce(data);
    expect(second.readsAtFirstPost?.whole).toBe(0);
    expect(second.readsAtFirstPost?.records).toBeLessThanOrEqual(c.reads);
    expect(second.posts.slice(0, c.next.length).sort()).toEqual([...c.next].sort());
    // Nothing that came back on the first page is sent again; the end is the uninterrupted run's.
    expect(second.posts.filter((url) => before.has(url) && !c.hold.includes(url))).toEqual([]);
    expect(data.runs.get(runId)).toMatchObject({ status: 'completed', output: reference.output });
  });
});

/** A for-each loop inside a top-level loop: the inner one records no progress of its own. */
const nested: WorkflowFile = chain(
  'nested',
  [
    {
      stepSlug: 'outer',
      name: 'outer',
      stepType: 'loop',
      config: {
        forEach: ['a', 'b'],
        steps: [
          {
            stepSlug: 'inner',
            name: 'inner',
            stepType: 'loop',
            config: { forEach: [1, 2], steps: [http('post', 'https://api.example.com/{{loop.item}}')] },
          },
        ],
      },
    },
    set('after', { all: '{{steps.outer.output}}' }),
  ],
  HOSTS,
);

const CRASH_SCENARIOS: Array<[string, CrashRun]> = [
  ['for-each of 4', { workflow: forEachLoop(), input: { n: 2, items: items(4) } }],
  ['for-each of 5, two at once', { workflow: forEachLoop(2), input: { n: 2, items: items(5) } }],
  ['while of 4', { workflow: whileLoop, input: { n: 4 } }],
  ['a loop in a loop', { workflow: nested, input: {} }],
];

describe('crash injection around a loop’s resume from its progress', () =>
  crashInjectionCases('loop resume', CRASH_SCENARIOS));

describe('a loop restarted from one of its iterations', () => {
  it('resumes without running the iterations it kept again', async () => {
    const data = new MemoryData();
    const clock = new FakeClock(1_700_000_000_000);
    const workflow = forEachLoop();
    const input = { n: 1, items: items(6) };
    const first = page(data, clock);
    const runId = await first.engine.start({ workflow, input });
    for (let i = 0; i < 50 && data.runs.get(runId)!.status !== 'completed'; i++) await quiesce(data);
    first.engine.shutdown();
    const output = data.runs.get(runId)!.output;

    // Restarted from iteration 3: the loop is recorded again, after the records of the iterations it keeps.
    const restarted = page(data, clock, ['item/i3']);
    await restarted.engine.restartFrom(runId, `${runId}:post@each[3]`);
    await quiesce(data);
    restarted.engine.shutdown();
    expect(restarted.posts).toEqual(['item/i3']);

    const second = page(data, clock);
    await second.engine.resumeAll();
    for (let i = 0; i < 50 && data.runs.get(runId)!.status !== 'completed'; i++) await quiesce(data);
    expect(second.posts).toEqual(['item/i3', 'item/i4', 'item/i5']);
    expect(data.runs.get(runId)).toMatchObject({ status: 'completed', output });
  });
});
