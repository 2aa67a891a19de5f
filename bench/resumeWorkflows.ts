import type { ModelRunner } from '../src/engine/llmTypes';
import type { WorkflowFile } from '../src/schema/workflow';
import { BENCH_HOST, HOLD_SLUG, resumeChain } from './workflows';

/** What a resume figure continues: a line of effects, a long loop, or a line of model steps. */
export type ResumeKind = 'chain' | 'loop' | 'model';

/** The POST every kind ends at, that the first worker never answers (`HOLD_SLUG`). */
const hold = {
  stepSlug: HOLD_SLUG,
  name: 'Hold',
  stepType: 'action',
  config: { action: 'http', method: 'POST', url: `https://${BENCH_HOST}/${HOLD_SLUG}` },
  nextSteps: {},
} as const;

/**
 * A while loop of `count` iterations (the most a loop may run), each a POST to `item` but the last, whose POST is the
 * held one: the run is cut off inside its loop after `count - 1` finished iterations.
 */
function resumeLoop(count: number): WorkflowFile {
  return {
    workflowConfig: { name: `Resume loop ${count}`, config: { allowedHosts: [BENCH_HOST] } },
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
          while: `loop.index < ${count}`,
          maxIterations: count,
          steps: [
            {
              stepSlug: 'target',
              name: 'Target',
              stepType: 'action',
              config: { action: 'transform', expression: `loop.index = ${count - 1} ? "${HOLD_SLUG}" : "item"` },
              nextSteps: { success: 'call' },
            },
            {
              stepSlug: 'call',
              name: 'Call',
              stepType: 'action',
              config: { action: 'http', method: 'POST', url: `https://${BENCH_HOST}/{{steps.target.output}}` },
            },
          ],
        },
        nextSteps: {},
      },
    ],
  } as WorkflowFile;
}

/** `count` model steps (each its own thread, under a token cap it never reaches), then the held POST. */
function resumeModelChain(count: number): WorkflowFile {
  const slug = (i: number) => `m${i}`;
  const steps = Array.from({ length: count }, (_, i) => ({
    stepSlug: slug(i),
    name: slug(i),
    stepType: 'llm',
    config: { llmNode: { name: slug(i), model: 'bench-model', userPrompt: `question ${i}`, tools: [] } },
    nextSteps: { success: i + 1 < count ? slug(i + 1) : HOLD_SLUG },
  }));
  return {
    workflowConfig: {
      name: `Resume model ${count}`,
      config: { allowedHosts: [BENCH_HOST], limits: { maxTokensPerRun: 1e12 } },
    },
    stepsConfig: [
      {
        stepSlug: 'start',
        name: 'Start',
        stepType: 'trigger',
        config: { type: 'manual' },
        nextSteps: { default: slug(0) },
      },
      ...steps,
      hold,
    ],
  } as WorkflowFile;
}

export function resumeWorkflow(kind: ResumeKind, count: number): WorkflowFile {
  return kind === 'loop' ? resumeLoop(count) : kind === 'model' ? resumeModelChain(count) : resumeChain(count);
}

/** A model that answers at once with a short text and its token count: the engine's own cost per round. */
export const noOpModel: ModelRunner = async (round) => ({
  text: 'ok',
  toolCalls: [],
  finishReason: 'stop',
  usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
  provider: 'bench',
  model: round.model,
});
