import type { WorkflowFile } from '../../src/schema/workflow';

/** A small valid workflow to mutate in tests: trigger → fetch (llm) → done. */
export function baseWorkflow(): WorkflowFile {
  return structuredClone({
    workflowConfig: {
      name: 'Base',
      config: {
        variables: { greeting: 'hi' },
        allowedHosts: ['api.example.com'],
        secrets: { TOKEN: { kind: 'local' } },
      },
    },
    stepsConfig: [
      {
        stepSlug: 'start',
        name: 'Start',
        stepType: 'trigger',
        config: { type: 'manual', data: { customerId: '{{input.customerId}}' } },
        nextSteps: { default: 'ask' },
      },
      {
        stepSlug: 'ask',
        name: 'Ask',
        stepType: 'llm',
        config: {
          llmNode: { name: 'ask', model: 'gpt-4o-mini', userPrompt: 'Hello {{trigger.data.customerId}}', tools: [] },
        },
        nextSteps: { success: 'done' },
      },
      {
        stepSlug: 'done',
        name: 'Done',
        stepType: 'trigger',
        config: { type: 'manual' },
        nextSteps: {},
      },
    ],
  } as WorkflowFile);
}

/** Builds `start → <step> → done` around one step, for per-type examples. */
export function around(step: Record<string, unknown>, settings: Record<string, unknown> = {}): WorkflowFile {
  return {
    workflowConfig: { name: `Example ${String(step.stepType)}`, config: settings },
    stepsConfig: [
      {
        stepSlug: 'start',
        name: 'Start',
        stepType: 'trigger',
        config: { type: 'manual' },
        nextSteps: { default: step.stepSlug as string },
      },
      { nextSteps: { success: 'done' }, ...step } as never,
      { stepSlug: 'done', name: 'Done', stepType: 'trigger', config: { type: 'manual' }, nextSteps: {} },
    ],
  };
}

/** Deterministic PRNG (mulberry32) so a failing fuzz case can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
