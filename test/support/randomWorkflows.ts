import type { WorkflowFile } from '../../src/schema/workflow';
import type { Scenario } from './crash';
import { seededRandom } from './workflows';

type StepJson = Record<string, any>;
interface Block {
  steps: StepJson[];
  /** Steps of this block that continue to the next block (through `nextKey`). */
  exits: Array<{ step: StepJson; nextKey: string }>;
}

const CHILD: WorkflowFile = {
  workflowConfig: { name: 'Child' },
  stepsConfig: [
    {
      stepSlug: 'start',
      name: 'Start',
      stepType: 'trigger',
      config: { type: 'manual' },
      nextSteps: { default: 'c_llm' },
    },
    {
      stepSlug: 'c_llm',
      name: 'Child llm',
      stepType: 'llm',
      config: { llmNode: { name: 'c', model: 'm', userPrompt: 'child {{input.n}}', tools: [] } },
      nextSteps: { success: 'c_set' },
    },
    {
      stepSlug: 'c_set',
      name: 'Child set',
      stepType: 'action',
      config: { action: 'set', values: { child: '{{steps.c_llm.output}}' } },
      nextSteps: {},
    },
  ],
};

/** A random workflow using every step type, with a scenario (events, tables) that lets it finish. */
export function randomScenario(seed: number): Scenario {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const events: Scenario['events'] = [];
  let n = 0;
  const slug = (kind: string) => `${kind}_${n++}`;
  const single = (step: StepJson): Block => ({ steps: [step], exits: [{ step, nextKey: 'success' }] });
  const llm = (prompt: string): StepJson => ({
    stepSlug: slug('llm'),
    name: 'LLM',
    stepType: 'llm',
    config: { llmNode: { name: 'x', model: 'm', userPrompt: prompt, tools: [] } },
  });
  const set = (values: unknown): StepJson => ({
    stepSlug: slug('set'),
    name: 'Set',
    stepType: 'action',
    config: { action: 'set', values },
  });
  const wait = (ms: number): StepJson => ({
    stepSlug: slug('wait'),
    name: 'Wait',
    stepType: 'wait',
    config: { durationMs: ms },
  });
  const link = (a: StepJson, b: StepJson) => ((a.nextSteps = { success: b.stepSlug }), a);

  const makers: Array<() => Block> = [
    () => single(set({ n: '{{input.n}}', seed })),
    () =>
      single({
        stepSlug: slug('calc'),
        name: 'Calc',
        stepType: 'action',
        config: { action: 'transform', expression: `input.n * ${(seed % 7) + 1} + $count(input.items)` },
      }),
    () => single(llm(`say {{input.n}} ${n}`)),
    () => {
      const a = set({ branch: 'high' });
      const b = set({ branch: 'low' });
      const cond = {
        stepSlug: slug('cond'),
        name: 'Cond',
        stepType: 'condition',
        config: { rules: [{ when: `input.n > ${Math.floor(random() * 10)}`, next: 'high' }], default: 'low' },
        nextSteps: { high: a.stepSlug, low: b.stepSlug },
      };
      return {
        steps: [cond, a, b],
        exits: [
          { step: a, nextKey: 'success' },
          { step: b, nextKey: 'success' },
        ],
      };
    },
    () =>
      single({
        stepSlug: slug('upd'),
        name: 'Update',
        stepType: 'action',
        config: {
          action: 'table.update',
          table: 'counters',
          where: { id: `k${n}` },
          set: { value: '{{input.n}}' },
          upsert: true,
        },
      }),
    () =>
      single({
        stepSlug: slug('query'),
        name: 'Query',
        stepType: 'action',
        config: { action: 'table.query', table: 'counters', where: {} },
      }),
    () => single(wait(1000 + Math.floor(random() * 5) * 1000)),
    () => {
      const name = `ev${n}`;
      events.push({ name, payload: { got: name } });
      return single({ stepSlug: slug('event'), name: 'Event', stepType: 'event', config: { event: name } });
    },
    () => {
      const ask = { stepSlug: slug('ask'), name: 'Ask', stepType: 'approval', config: { prompt: 'ok {{input.n}}?' } };
      const yes = set({ approved: true });
      (ask as StepJson).nextSteps = { approved: yes.stepSlug };
      return { steps: [ask, yes], exits: [{ step: yes, nextKey: 'success' }] };
    },
    () => {
      const body1 = llm('item {{loop.item}} at {{loop.index}}');
      const body2 = {
        stepSlug: slug('t'),
        name: 'T',
        stepType: 'action',
        config: { action: 'transform', expression: `{ "i": loop.index, "out": steps.${body1.stepSlug}.output }` },
      };
      return single({
        stepSlug: slug('each'),
        name: 'Each',
        stepType: 'loop',
        config: {
          forEach: '{{input.items}}',
          concurrency: 1 + Math.floor(random() * 3),
          steps: [link(body1, body2), body2],
        },
      });
    },
    () => {
      const page = {
        stepSlug: slug('page'),
        name: 'Page',
        stepType: 'action',
        config: { action: 'transform', expression: '{ "n": loop.index }' },
      };
      return single({
        stepSlug: slug('while'),
        name: 'While',
        stepType: 'loop',
        config: { while: `loop.index < ${1 + Math.floor(random() * 3)}`, maxIterations: 10, steps: [page] },
      });
    },
    () => {
      const join = pick(['all', 'any'] as const);
      const fast = wait(1000);
      const slow = wait(3000);
      const a = llm('branch a {{input.n}}');
      const b = set({ b: '{{input.n}}' });
      return single({
        stepSlug: slug('par'),
        name: 'Par',
        stepType: 'parallel',
        config: { join, branches: { a: [link(fast, a), a], b: [link(slow, b), b] } },
      });
    },
    () =>
      single({
        stepSlug: slug('sub'),
        name: 'Sub',
        stepType: 'subworkflow',
        config: { workflow: 'Child', input: { n: '{{input.n}}' } },
      }),
    () =>
      single({
        stepSlug: slug('http'),
        name: 'HTTP',
        stepType: 'action',
        config: {
          action: 'http',
          method: 'POST',
          url: 'https://api.example.com/n/{{input.n}}',
          body: { n: '{{input.n}}' },
        },
      }),
  ];

  const blocks = [...makers.map((make) => make)]
    .sort(() => random() - 0.5)
    .slice(0, 4 + Math.floor(random() * 5))
    .map((make) => make());
  const steps: StepJson[] = [];
  blocks.forEach((block, i) => {
    const next = blocks[i + 1];
    for (const exit of block.exits)
      if (next) exit.step.nextSteps = { ...exit.step.nextSteps, [exit.nextKey]: next.steps[0]!.stepSlug };
    steps.push(...block.steps);
  });
  const workflow = {
    workflowConfig: {
      name: `Random ${seed}`,
      config: { allowedHosts: ['api.example.com'], retryPolicy: { maxRetries: 1, backoffMs: 100 } },
    },
    stepsConfig: [
      {
        stepSlug: 'start',
        name: 'Start',
        stepType: 'trigger',
        config: { type: 'manual' },
        nextSteps: { default: steps[0]!.stepSlug },
      },
      ...steps,
    ],
  } as WorkflowFile;
  return {
    name: `random ${seed}`,
    workflow,
    input: { n: Math.floor(random() * 20), items: [1, 2, 3].slice(0, 1 + Math.floor(random() * 3)) },
    events,
    workflows: { Child: CHILD },
  };
}
