import type { Step } from '../src/schema/steps';
import type { WorkflowFile } from '../src/schema/workflow';

/**
 * Workflows for the editor figures: a chain of blocks, each an LLM step, a condition with two
 * branches, a loop of three steps and a parallel step of two branches (11 steps), then plain steps.
 */

const set = (slug: string, next?: string): Step => ({
  stepSlug: slug,
  name: `Set ${slug}`,
  stepType: 'action',
  config: { action: 'set', values: { [slug]: 1 } },
  ...(next ? { nextSteps: { success: next } } : {}),
});

function block(i: number, next: string | undefined): Step[] {
  const p = `b${i}`;
  return [
    {
      stepSlug: `${p}_ask`,
      name: `Ask ${i}`,
      stepType: 'llm',
      config: { llmNode: { name: `${p}_ask`, model: 'demo', userPrompt: `Question ${i}: {{input.topic}}`, tools: [] } },
      nextSteps: { success: `${p}_check` },
    },
    {
      stepSlug: `${p}_check`,
      name: `Check ${i}`,
      stepType: 'condition',
      config: { rules: [{ when: `$length(steps.${p}_ask.output.text) > 10`, next: 'long' }], default: 'short' },
      nextSteps: { long: `${p}_long`, short: `${p}_short` },
    },
    set(`${p}_long`, `${p}_each`),
    set(`${p}_short`, `${p}_each`),
    {
      stepSlug: `${p}_each`,
      name: `Each ${i}`,
      stepType: 'loop',
      config: { forEach: [1, 2, 3], steps: [set(`${p}_l1`, `${p}_l2`), set(`${p}_l2`, `${p}_l3`), set(`${p}_l3`)] },
      nextSteps: { success: `${p}_fan` },
    },
    {
      stepSlug: `${p}_fan`,
      name: `Fan ${i}`,
      stepType: 'parallel',
      config: { join: 'all', branches: { left: [set(`${p}_left`)], right: [set(`${p}_right`)] } },
      ...(next ? { nextSteps: { success: next } } : {}),
    },
  ];
}

export interface EditorWorkflow {
  doc: WorkflowFile;
  steps: number;
  /** Nodes the canvas draws: a node per step and one per parallel branch. */
  nodes: number;
  /** Slug of an LLM step near the middle, whose prompt the typing figure edits. */
  promptStep: string;
}

export function editorWorkflow(name: string, blocks: number, plain: number): EditorWorkflow {
  const plainSlugs = Array.from({ length: plain }, (_, i) => `tail_${i}`);
  const steps: Step[] = [
    {
      stepSlug: 'start',
      name: 'Start',
      stepType: 'trigger',
      config: { type: 'manual' },
      nextSteps: { success: blocks > 0 ? 'b0_ask' : plainSlugs[0]! },
    },
  ];
  for (let i = 0; i < blocks; i++) steps.push(...block(i, i + 1 < blocks ? `b${i + 1}_ask` : plainSlugs[0]));
  plainSlugs.forEach((slug, i) => steps.push(set(slug, plainSlugs[i + 1])));
  const count = 1 + blocks * 11 + plain;
  return {
    doc: { workflowConfig: { name }, stepsConfig: steps },
    steps: count,
    nodes: count + blocks * 2,
    promptStep: `b${Math.floor(blocks / 2)}_ask`,
  };
}

/** 200 steps: 18 blocks (18 loops, 18 parallel steps) and a tail of 1. */
export const LARGE = (name: string) => editorWorkflow(name, 18, 1);
/** 20 steps: one block and a tail of 8. */
export const SMALL = (name: string) => editorWorkflow(name, 1, 8);
