import type { WorkflowFile } from '../../src/schema/workflow';

type StepJson = Record<string, unknown>;

/** `trigger → steps… ` chained by `success` in the given order (each step may override nextSteps). */
export function chain(
  name: string,
  steps: StepJson[],
  settings: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): WorkflowFile {
  const linked = steps.map((step, i) => ({
    nextSteps: i + 1 < steps.length ? { success: steps[i + 1]!.stepSlug as string } : {},
    ...step,
  }));
  return {
    workflowConfig: { name, config: settings, ...extra },
    stepsConfig: [
      {
        stepSlug: 'start',
        name: 'Start',
        stepType: 'trigger',
        config: { type: 'manual', data: { value: '{{input.value}}' } },
        nextSteps: { default: steps[0]!.stepSlug as string },
      },
      ...linked,
    ],
  } as WorkflowFile;
}

export const set = (slug: string, values: unknown, next?: Record<string, string>): StepJson => ({
  stepSlug: slug,
  name: slug,
  stepType: 'action',
  config: { action: 'set', values },
  ...(next ? { nextSteps: next } : {}),
});

export const transform = (slug: string, expression: string, next?: Record<string, string>): StepJson => ({
  stepSlug: slug,
  name: slug,
  stepType: 'action',
  config: { action: 'transform', expression },
  ...(next ? { nextSteps: next } : {}),
});

export const llm = (
  slug: string,
  userPrompt: string,
  extra: Record<string, unknown> = {},
  next?: Record<string, string>,
): StepJson => ({
  stepSlug: slug,
  name: slug,
  stepType: 'llm',
  config: { llmNode: { name: slug, model: 'test-model', userPrompt, tools: [], ...extra } },
  ...(next ? { nextSteps: next } : {}),
});

export const http = (
  slug: string,
  url: string,
  extra: Record<string, unknown> = {},
  next?: Record<string, string>,
): StepJson => ({
  stepSlug: slug,
  name: slug,
  stepType: 'action',
  config: { action: 'http', method: 'POST', url, ...extra },
  ...(next ? { nextSteps: next } : {}),
});

/** Reads the customer `{{input.value}}` from the local table, then marks it at risk. */
export const findThenMarkAtRisk = (): WorkflowFile =>
  chain('update', [
    {
      stepSlug: 'find',
      name: 'Find',
      stepType: 'action',
      config: { action: 'table.query', table: 'customers', where: { id: '{{input.value}}' } },
    },
    {
      stepSlug: 'mark',
      name: 'Mark',
      stepType: 'action',
      config: {
        action: 'table.update',
        table: 'customers',
        where: { id: '{{input.value}}' },
        set: { status: 'at_risk' },
      },
    },
  ]);

/** A loop of `iterations`, each copying `blob` into its output, then napping 1 ms (recorded before it sleeps). */
export const copyingLoop = (name: string, iterations: number, blob: string): WorkflowFile =>
  ({
    workflowConfig: { name },
    stepsConfig: [
      {
        stepSlug: 'start',
        name: 'Start',
        stepType: 'trigger',
        config: { type: 'manual' },
        nextSteps: { default: 'each' },
      },
      {
        stepSlug: 'each',
        name: 'Each',
        stepType: 'loop',
        config: {
          forEach: Array.from({ length: iterations }, (_, i) => i),
          concurrency: 1,
          steps: [
            {
              stepSlug: 'copy',
              name: 'Copy',
              stepType: 'action',
              config: { action: 'set', values: { blob } },
              nextSteps: { success: 'nap' },
            },
            // A wait is recorded durably before it sleeps: each iteration commits on its own.
            { stepSlug: 'nap', name: 'Nap', stepType: 'wait', config: { durationMs: 1 } },
          ],
        },
        nextSteps: { success: 'done' },
      },
      {
        stepSlug: 'done',
        name: 'Done',
        stepType: 'action',
        config: { action: 'set', values: { done: true } },
        nextSteps: {},
      },
    ],
  }) as WorkflowFile;
