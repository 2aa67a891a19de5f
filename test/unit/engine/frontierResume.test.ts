import { afterAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/engine/clock';
import { Engine } from '../../../src/engine/engine';
import { MemoryData, MemoryStore } from '../../../src/engine/memoryStore';
import type { EffectCall, HttpRequest, Runners } from '../../../src/engine/runtime';
import type { WorkflowFile } from '../../../src/schema/workflow';
import { runScenario, type Scenario } from '../../support/crash';
import { quiesce } from '../../support/engine';
import { CountingStore, crashDuringResume, runThroughCrashes } from '../../support/resumeCrash';
import { randomScenario } from '../../support/randomWorkflows';

type StepJson = WorkflowFile['stepsConfig'][number];

const post = (slug: string, next: string | undefined, url = `https://api.example.com/${slug}`): StepJson => ({
  stepSlug: slug,
  name: slug,
  stepType: 'action',
  config: { action: 'http', method: 'POST', url },
  nextSteps: next ? { success: next } : {},
});

/** `count` POSTs in a line, then `hold` (whose runner the first page never answers), then a step reading far back. */
function longChain(count: number): WorkflowFile {
  const slugs = Array.from({ length: count }, (_, i) => `s${i}`);
  return {
    workflowConfig: { name: 'Long chain', config: { allowedHosts: ['api.example.com'] } },
    stepsConfig: [
      {
        stepSlug: 'start',
        name: 'Start',
        stepType: 'trigger',
        config: { type: 'manual', data: { who: '{{input.who}}' } },
        nextSteps: { default: 's0' },
      },
      ...slugs.map((slug, i) => post(slug, slugs[i + 1] ?? 'hold')),
      post('hold', 'report'),
      {
        stepSlug: 'report',
        name: 'Report',
        stepType: 'action',
        config: { action: 'set', values: { first: '{{steps.s0.output.body.url}}', who: '{{trigger.data.who}}' } },
        nextSteps: {},
      },
    ],
  };
}

/** Every kind of control flow without a model: reads far back, a condition, a loop with `previous`, a fan-out. */
const MIXED: WorkflowFile = {
  workflowConfig: { name: 'Mixed', config: { allowedHosts: ['api.example.com'] } },
  stepsConfig: [
    { stepSlug: 'start', name: 'Start', stepType: 'trigger', config: { type: 'manual' }, nextSteps: { default: 'a' } },
    post('a', 'calc', 'https://api.example.com/a/{{input.n}}'),
    {
      stepSlug: 'calc',
      name: 'Calc',
      stepType: 'action',
      config: { action: 'transform', expression: 'steps.a.output.status + input.n' },
      nextSteps: { success: 'b' },
    },
    post('b', 'check', 'https://api.example.com/b/{{steps.calc.output}}'),
    {
      stepSlug: 'check',
      name: 'Check',
      stepType: 'condition',
      config: { rules: [{ when: 'steps.calc.output > 200', next: 'big' }], default: 'small' },
      nextSteps: { big: 'each', small: 'tail' },
    },
    {
      stepSlug: 'each',
      name: 'Each',
      stepType: 'loop',
      config: {
        forEach: '{{input.items}}',
        steps: [
          post('item', 'acc', 'https://api.example.com/item/{{loop.item}}'),
          {
            stepSlug: 'acc',
            name: 'Acc',
            stepType: 'action',
            config: { action: 'transform', expression: '[loop.item, loop.previous.acc.output]' },
          },
        ],
      },
      nextSteps: { success: 'fan' },
    },
    {
      stepSlug: 'fan',
      name: 'Fan',
      stepType: 'parallel',
      config: {
        join: 'all',
        branches: {
          x: [post('px', undefined)],
          y: [post('py', undefined, 'https://api.example.com/py/{{steps.b.output.status}}')],
        },
      },
      nextSteps: { success: 'tail' },
    },
    post('tail', 'done', 'https://api.example.com/tail/{{steps.calc.output}}'),
    {
      stepSlug: 'done',
      name: 'Done',
      stepType: 'action',
      config: { action: 'set', values: { a: '{{steps.a.output.body.url}}', calc: '{{steps.calc.output}}' } },
      nextSteps: {},
    },
  ],
};

const mixedScenario: Scenario = {
  name: 'mixed control flow',
  workflow: MIXED,
  input: { n: 7, items: ['p', 'q', 'r'] },
};

/** Random workflows of the soak that have no model step: those resume from the journal's end. */
function modelFreeRandomScenarios(count: number): Scenario[] {
  const found: Scenario[] = [];
  for (let seed = 9000; found.length < count && seed < 9400; seed++) {
    const scenario = randomScenario(seed);
    if (!JSON.stringify(scenario.workflow.stepsConfig).includes('"llm"')) found.push(scenario);
  }
  return found;
}

const OK = (request: HttpRequest) => ({ status: 200, statusText: 'OK', headers: {}, body: { url: request.url } });

describe('resume from the end of the journal', () => {
  it('reads a few records of a 300-step run, not its history, and finishes as if never cut off', async () => {
    const data = new MemoryData();
    const clock = new FakeClock(1_700_000_000_000);
    const posts = new Map<string, number>();
    const count = (call: EffectCall) => posts.set(call.idempotencyKey, (posts.get(call.idempotencyKey) ?? 0) + 1);
    let holding = true;
    const http: NonNullable<Runners['http']> = async (request, call) => {
      count(call);
      if (holding && request.url.endsWith('/hold')) return new Promise(() => undefined);
      return OK(request);
    };
    const newId = () => `run${data.runs.size + 1}`;
    const first = new Engine({ store: new MemoryStore(data), clock, runners: { http }, newId });
    const runId = await first.start({ workflow: longChain(300), input: { who: 'ada' } });
    await quiesce(data);
    first.shutdown();
    holding = false;

    const store = new CountingStore(data);
    const second = new Engine({ store, clock, runners: { http }, newId });
    await second.resumeAll();
    const run = await second.awaitRun(runId);
    expect(run.status).toBe('completed');
    expect(run.output).toEqual({ first: 'https://api.example.com/s0', who: 'ada' });
    expect(store.wholeJournalReads).toBe(0);
    // The anchor (s299), the cut-off step after it, and the records read by key (the trigger, s0).
    expect(store.recordsRead).toBeLessThanOrEqual(5);
    const resent = [...posts].filter(([key, n]) => n > 1 && !key.endsWith(':hold@'));
    expect(resent).toEqual([]);
  });
});

/** The soak's comparison: the same end, the same tables, no completed step run again. */
async function crashEverywhere(scenario: Scenario): Promise<number> {
  const reference = await runScenario(scenario);
  expect(reference.status, scenario.name).toBe('completed');
  let cycles = 0;
  for (let op = 1; op <= reference.ops; op++) {
    for (const phase of ['before', 'after-commit'] as const) {
      const label = `${scenario.name}, crash at op ${op} ${phase}`;
      const outcome = await runScenario(scenario, { op, phase });
      expect(outcome.violations, label).toEqual([]);
      expect([outcome.status, outcome.output, outcome.tables], label).toEqual([
        reference.status,
        reference.output,
        reference.tables,
      ]);
      expect(outcome.completedKeys, label).toEqual(reference.completedKeys);
      cycles++;
    }
  }
  return cycles;
}

describe('crash injection around a resume from the journal’s end', () => {
  const cycles = { single: 0, double: 0 };
  afterAll(() =>
    console.log(`frontier resume: ${cycles.single} crash/resume cycles, ${cycles.double} with a second crash`),
  );
  const scenarios: Scenario[] = [
    mixedScenario,
    { name: 'chain of 6 with reads far back', workflow: longChain(6), input: { who: 'ada' } },
    ...modelFreeRandomScenarios(12),
  ];

  it.each(scenarios.map((s) => [s.name, s] as const))('%s survives a crash at every store operation', async (_n, s) => {
    const done = await crashEverywhere(s);
    cycles.single += done;
    expect(done).toBeGreaterThan(10);
  });

  it.each(
    [mixedScenario, { name: 'chain of 4', workflow: longChain(4), input: { who: 'ada' } }].map((s) => [s.name, s]),
  )(
    '%s: a crash during the resume itself (every store operation of it) still ends as the uninterrupted run',
    async (_n, scenario) => {
      const firstPage = await runThroughCrashes(scenario, [{ op: 1_000_000, phase: 'before' }]);
      expect(firstPage.status).toBe('completed');
      const count = await crashDuringResume(scenario);
      expect(count).toBeGreaterThan(50);
      cycles.double += count;
    },
    120_000,
  );
});
