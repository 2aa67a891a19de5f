import { z } from 'zod';
import { LIMITS } from './limits.ts';

/**
 * Step shapes of the workflow format. Every object is `looseObject`: fields this version does not
 * know are kept, so an import → export round trip never drops anything.
 */

export const SLUG_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
export const slugSchema = z
  .string()
  .regex(SLUG_PATTERN, 'must start with a letter or _ and use only letters, digits, _ or - (at most 64)');

/** A string that may contain `{{…}}` templates. */
const templated = z.string().max(LIMITS.stringChars);
/** A JSONata expression (see expression.ts); syntax is checked by the validator. */
const expression = z.string().min(1, 'must not be empty').max(LIMITS.expressionChars);
const durationMs = z
  .number()
  .int()
  .min(0)
  .max(366 * 24 * 3_600_000);

export const TOOL_NAMES = [
  'customer_search',
  'customer_update',
  'table_query',
  'table_update',
  'http_request',
] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

export const retryPolicySchema = z.looseObject({
  maxRetries: z.number().int().min(0).max(20),
  backoffMs: z.number().int().min(0).max(3_600_000),
  /** Multiplier per attempt: delay = backoffMs × base^(attempt-1). Default 2. */
  exponentialBase: z.number().min(1).max(10).optional(),
  maxBackoffMs: z
    .number()
    .int()
    .min(0)
    .max(24 * 3_600_000)
    .optional(),
  /** Random ±50% spread on each delay, seeded per step so replays agree. Default true. */
  jitter: z.boolean().optional(),
});
export type RetryPolicy = z.infer<typeof retryPolicySchema>;

const stepBase = {
  stepSlug: slugSchema,
  name: z.string().max(200),
  order: z.number().optional(),
  /** Branch key → slug of a step in the same body. */
  nextSteps: z.record(z.string(), slugSchema).optional(),
  /** Overrides the workflow's retry policy for this step. */
  retryPolicy: retryPolicySchema.partial().optional(),
  /** Per-attempt time limit; its AbortSignal fires when it passes. */
  timeoutMs: durationMs.optional(),
};

export const triggerConfigSchema = z.looseObject({
  type: z.literal('manual').default('manual'),
  data: z.record(z.string(), z.unknown()).optional(),
});

export const llmNodeSchema = z.looseObject({
  name: z.string().max(200),
  model: z.string().min(1).max(200),
  systemPrompt: templated.optional(),
  userPrompt: templated,
  tools: z.array(z.string()).default([]),
  provider: z.string().max(200).optional(),
  /** "own": a thread for this step; "run": the run's shared thread; any other name: a named thread. */
  thread: z.string().min(1).max(100).optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxOutputTokens: z.number().int().min(1).max(1_000_000).optional(),
  /** JSON Schema the model's answer must satisfy; validated by an interpreting validator. */
  outputSchema: z.record(z.string(), z.unknown()).optional(),
  maxToolRoundtrips: z.number().int().min(0).max(50).optional(),
  providerOptions: z.record(z.string(), z.unknown()).optional(),
});
export const llmConfigSchema = z.looseObject({ llmNode: llmNodeSchema });

export const conditionConfigSchema = z.looseObject({
  rules: z.array(z.looseObject({ when: expression, next: z.string().min(1) })),
  default: z.string().min(1).optional(),
});

const tableName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, 'must be a table name');
export const actionConfigSchema = z.discriminatedUnion('action', [
  z.looseObject({ action: z.literal('set'), values: z.record(z.string(), z.unknown()) }),
  z.looseObject({ action: z.literal('transform'), expression }),
  z.looseObject({
    action: z.literal('table.query'),
    table: tableName,
    /** Field → value (templates allowed); rows matching every pair. */
    where: z.record(z.string(), z.unknown()).optional(),
    limit: z.number().int().min(1).max(10_000).optional(),
  }),
  z.looseObject({
    action: z.literal('table.update'),
    table: tableName,
    where: z.record(z.string(), z.unknown()),
    set: z.record(z.string(), z.unknown()),
    /** Insert `{...where, ...set}` when no row matches. */
    upsert: z.boolean().optional(),
  }),
  z.looseObject({
    action: z.literal('http'),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']),
    url: templated,
    headers: z.record(z.string(), templated).optional(),
    query: z.record(z.string(), templated).optional(),
    body: z.unknown().optional(),
  }),
]);
export type ActionConfig = z.infer<typeof actionConfigSchema>;
export const ACTION_NAMES = ['set', 'transform', 'table.query', 'table.update', 'http'] as const;

export const waitConfigSchema = z
  .looseObject({ durationMs: durationMs.optional(), until: templated.optional() })
  .refine((c) => (c.durationMs === undefined) !== (c.until === undefined), {
    message: 'needs exactly one of "durationMs" or "until"',
  });

export const approvalConfigSchema = z.looseObject({ prompt: templated, timeoutMs: durationMs.optional() });
export const eventConfigSchema = z.looseObject({
  event: z.string().min(1).max(200),
  timeoutMs: durationMs.optional(),
});
export const subworkflowConfigSchema = z.looseObject({
  workflow: z.string().min(1).max(200),
  input: z.record(z.string(), z.unknown()).optional(),
});

const triggerStep = z.looseObject({ ...stepBase, stepType: z.literal('trigger'), config: triggerConfigSchema });
const llmStep = z.looseObject({ ...stepBase, stepType: z.literal('llm'), config: llmConfigSchema });
const conditionStep = z.looseObject({ ...stepBase, stepType: z.literal('condition'), config: conditionConfigSchema });
const actionStep = z.looseObject({ ...stepBase, stepType: z.literal('action'), config: actionConfigSchema });
const waitStep = z.looseObject({ ...stepBase, stepType: z.literal('wait'), config: waitConfigSchema });
const approvalStep = z.looseObject({ ...stepBase, stepType: z.literal('approval'), config: approvalConfigSchema });
const eventStep = z.looseObject({ ...stepBase, stepType: z.literal('event'), config: eventConfigSchema });
const subworkflowStep = z.looseObject({
  ...stepBase,
  stepType: z.literal('subworkflow'),
  config: subworkflowConfigSchema,
});

const loopConfigSchema = z
  .looseObject({
    /** A template resolving to an array, or an inline array. */
    forEach: z.union([templated, z.array(z.unknown())]).optional(),
    concurrency: z.number().int().min(1).max(LIMITS.concurrency).optional(),
    while: expression.optional(),
    maxIterations: z.number().int().min(1).max(LIMITS.maxIterations).optional(),
    get steps(): z.ZodArray<StepSchema> {
      return z.array(stepSchema).min(1, 'a loop needs at least one step');
    },
  })
  .refine((c) => (c.forEach === undefined) !== (c.while === undefined), {
    message: 'needs exactly one of "forEach" or "while"',
  });

const parallelConfigSchema = z.looseObject({
  join: z.enum(['all', 'any']).default('all'),
  get branches(): z.ZodRecord<z.ZodString, z.ZodArray<StepSchema>> {
    return z.record(z.string().regex(SLUG_PATTERN, 'branch names follow step slug rules'), z.array(stepSchema).min(1));
  },
});

const loopStep = z.looseObject({ ...stepBase, stepType: z.literal('loop'), config: loopConfigSchema });
const parallelStep = z.looseObject({ ...stepBase, stepType: z.literal('parallel'), config: parallelConfigSchema });

type StepSchema = z.ZodDiscriminatedUnion<
  [
    typeof triggerStep,
    typeof llmStep,
    typeof conditionStep,
    typeof actionStep,
    typeof waitStep,
    typeof approvalStep,
    typeof eventStep,
    typeof subworkflowStep,
    typeof loopStep,
    typeof parallelStep,
  ],
  'stepType'
>;

export const stepSchema: StepSchema = z.discriminatedUnion('stepType', [
  triggerStep,
  llmStep,
  conditionStep,
  actionStep,
  waitStep,
  approvalStep,
  eventStep,
  subworkflowStep,
  loopStep,
  parallelStep,
]);

export const STEP_TYPES = [
  'trigger',
  'llm',
  'condition',
  'action',
  'wait',
  'approval',
  'event',
  'subworkflow',
  'loop',
  'parallel',
] as const;
export type StepType = (typeof STEP_TYPES)[number];

export type Step = z.infer<typeof stepSchema>;
export type StepOf<T extends StepType> = Extract<Step, { stepType: T }>;
export type LlmNode = z.infer<typeof llmNodeSchema>;

/** Step types whose bodies hold further steps. */
export function isContainer(step: Step): step is StepOf<'loop'> | StepOf<'parallel'> {
  return step.stepType === 'loop' || step.stepType === 'parallel';
}

/** The step bodies directly inside a container, each with the name of its scope. */
export function childBodies(step: Step): { name: string; steps: Step[] }[] {
  if (step.stepType === 'loop') return [{ name: 'body', steps: step.config.steps }];
  if (step.stepType === 'parallel') {
    return Object.entries(step.config.branches).map(([name, steps]) => ({ name, steps }));
  }
  return [];
}
