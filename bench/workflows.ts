import type { WorkflowFile } from '../src/schema/workflow';

/**
 * The workflows the bench runs. Side-effecting no-ops are `http` actions to BENCH_HOST, answered at
 * once by the bench worker's runner: the engine journals them like any effect, nothing leaves the tab.
 */
export const BENCH_HOST = 'bench.local';
/** The one step of the resume workflow whose runner never answers in the first worker. */
export const HOLD_SLUG = 'hold';

type Step = WorkflowFile['stepsConfig'][number];

const trigger = (next: string): Step => ({
  stepSlug: 'start',
  name: 'Start',
  stepType: 'trigger',
  config: { type: 'manual' },
  nextSteps: { default: next },
});

const effect = (slug: string, next: string | undefined): Step => ({
  stepSlug: slug,
  name: slug,
  stepType: 'action',
  config: { action: 'http', method: 'POST', url: `https://${BENCH_HOST}/${slug}` },
  nextSteps: next ? { success: next } : {},
});

const transform = (slug: string, next: string | undefined): Step => ({
  stepSlug: slug,
  name: slug,
  stepType: 'action',
  config: { action: 'transform', expression: 'input.n + 1' },
  nextSteps: next ? { success: next } : {},
});

function chain(
  name: string,
  count: number,
  make: (slug: string, next: string | undefined) => Step,
  tail: Step[] = [],
): WorkflowFile {
  const slug = (i: number) => `s${i}`;
  const steps = Array.from({ length: count }, (_, i) => make(slug(i), i + 1 < count ? slug(i + 1) : tail[0]?.stepSlug));
  return {
    workflowConfig: { name, config: { allowedHosts: [BENCH_HOST] } },
    stepsConfig: [trigger(slug(0)), ...steps, ...tail],
  };
}

/** A trigger and `count` side-effecting no-op steps in a line. */
export const effectChain = (count: number): WorkflowFile => chain(`Effects ${count}`, count, effect);

/** A trigger and `count` transforms in a line (side-effect free: checkpoints may be coalesced). */
export const pureChain = (count: number): WorkflowFile => chain(`Transforms ${count}`, count, transform);

/** `count` effects, then one more (`hold`) that the first worker never answers: a run cut off by a reload. */
export const resumeChain = (count: number): WorkflowFile =>
  chain(`Resume ${count}`, count, effect, [effect(HOLD_SLUG, undefined)]);

/** A fan-out of `branches` one-step branches (each a side-effecting no-op) joined by `all`. */
export function fanOut(branches: number): WorkflowFile {
  const bodies = Object.fromEntries(
    Array.from({ length: branches }, (_, i) => [`b${i}`, [effect(`call_${i}`, undefined)]]),
  );
  return {
    workflowConfig: { name: `Fan-out ${branches}`, config: { allowedHosts: [BENCH_HOST] } },
    stepsConfig: [
      trigger('fan'),
      {
        stepSlug: 'fan',
        name: 'Fan',
        stepType: 'parallel',
        config: { join: 'all', branches: bodies },
        nextSteps: { success: 'joined' },
      },
      {
        stepSlug: 'joined',
        name: 'Joined',
        stepType: 'action',
        config: { action: 'set', values: { done: true } },
        nextSteps: {},
      },
    ],
  };
}

const TOPICS = ['churn risk', 'upsell potential', 'support load', 'payment history'] as const;

/**
 * A long answer: the demo model's text answers are two to five sentences (a fraction of a second at
 * 200 tokens/s), so each agent is asked for a list of 60 notes (about 1,000 tokens of JSON).
 */
const NOTES_SCHEMA = {
  type: 'object',
  properties: {
    notes: { type: 'array', minItems: 60, maxItems: 60, items: { type: 'string', description: 'one detailed note' } },
  },
  required: ['notes'],
};

/** Four LLM steps streaming at once on the offline demo model (the app's real UI shows them). */
export function parallelLlm(name: string): WorkflowFile {
  const bodies = Object.fromEntries(
    TOPICS.map((topic, i) => [
      `b${i}`,
      [
        {
          stepSlug: `agent_${i}`,
          name: `Agent ${i}`,
          stepType: 'llm',
          config: {
            llmNode: {
              name: `agent_${i}`,
              provider: 'demo',
              model: 'demo-1',
              userPrompt: `Write detailed notes on the ${topic} of our largest account.`,
              tools: [],
              outputSchema: NOTES_SCHEMA,
            },
          },
        },
      ],
    ]),
  );
  return {
    workflowConfig: { name },
    stepsConfig: [
      trigger('agents'),
      {
        stepSlug: 'agents',
        name: 'Agents',
        stepType: 'parallel',
        config: { join: 'all', branches: bodies },
        nextSteps: {},
      },
    ],
  } as WorkflowFile;
}
