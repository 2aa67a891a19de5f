import { describe, expect, it } from 'vitest';
import { applyVariant } from '../../src/schema/variants';
import type { WorkflowFile } from '../../src/schema/workflow';
import { chain, llm } from '../support/flows';

/** Two LLM steps, one of them inside a loop's body. */
function workflow(): WorkflowFile {
  return chain('Summaries', [
    llm('summary', 'Summarize {{input.text}}', { provider: 'openai' }),
    {
      stepSlug: 'each',
      name: 'each',
      stepType: 'loop',
      config: {
        forEach: '{{input.items}}',
        steps: [
          {
            stepSlug: 'title',
            name: 'title',
            stepType: 'llm',
            config: { llmNode: { name: 'title', model: 'test-model', userPrompt: 'Title {{item}}', tools: [] } },
            nextSteps: {},
          },
        ],
      },
    },
  ]);
}

const llmNodes = (doc: WorkflowFile) => {
  const top = doc.stepsConfig.find((s) => s.stepSlug === 'summary') as { config: { llmNode: Record<string, unknown> } };
  const loop = doc.stepsConfig.find((s) => s.stepSlug === 'each') as {
    config: { steps: Array<{ config: { llmNode: Record<string, unknown> } }> };
  };
  return [top.config.llmNode, loop.config.steps[0]!.config.llmNode];
};

describe('applyVariant', () => {
  it('puts the model and provider into every LLM step, loop bodies too, and leaves the input untouched', () => {
    const doc = workflow();
    const before = structuredClone(doc);
    const result = applyVariant(doc, { id: 'a', label: 'Mini', model: { provider: 'lab', model: 'mini' } }, new Map());
    expect(result.kind).toBe('ok');
    if (result.kind !== 'ok') return;
    expect(llmNodes(result.workflow).map((node) => [node.provider, node.model])).toEqual([
      ['lab', 'mini'],
      ['lab', 'mini'],
    ]);
    expect(doc).toEqual(before);
  });

  it('keeps each step provider when the variant names only a model', () => {
    const result = applyVariant(workflow(), { id: 'a', label: 'Mini', model: { model: 'mini' } }, new Map());
    if (result.kind !== 'ok') throw new Error(result.message);
    expect(llmNodes(result.workflow).map((node) => [node.provider, node.model])).toEqual([
      ['openai', 'mini'],
      [undefined, 'mini'],
    ]);
  });

  it('replaces only the prompts it names, by step slug', () => {
    const variant = { id: 'p', label: 'Terse', prompts: { title: 'One word for {{item}}' } };
    const result = applyVariant(workflow(), variant, new Map());
    if (result.kind !== 'ok') throw new Error(result.message);
    expect(llmNodes(result.workflow).map((node) => node.userPrompt)).toEqual([
      'Summarize {{input.text}}',
      'One word for {{item}}',
    ]);
  });

  it('runs a saved version instead of the current workflow, with the variant applied to it', () => {
    const old = chain('Summaries', [llm('summary', 'Old prompt {{input.text}}')]);
    const variant = { id: 'v', label: 'Version 1', versionSeq: 1, model: { model: 'mini' } };
    const result = applyVariant(workflow(), variant, new Map([[1, old]]));
    if (result.kind !== 'ok') throw new Error(result.message);
    expect(result.workflow.stepsConfig.map((step) => step.stepSlug)).toEqual(['start', 'summary']);
    expect(result.workflow.stepsConfig[1]).toMatchObject({
      config: { llmNode: { model: 'mini', userPrompt: 'Old prompt {{input.text}}' } },
    });
  });

  it('names the variant and what is wrong: a version not saved, a prompt for a step that is not an LLM step', () => {
    expect(applyVariant(workflow(), { id: 'v', label: 'V9', versionSeq: 9 }, new Map())).toEqual({
      kind: 'problem',
      message: 'variant “V9”: version 9 of this workflow is not saved',
    });
    expect(applyVariant(workflow(), { id: 'p', label: 'P', prompts: { each: 'x' } }, new Map())).toEqual({
      kind: 'problem',
      message: 'variant “P”: it edits the prompt of “each”, which is not an LLM step of the workflow',
    });
    const noLlm = chain('Plain', [
      { stepSlug: 'x', name: 'x', stepType: 'action', config: { action: 'set', values: {} } },
    ]);
    expect(applyVariant(noLlm, { id: 'm', label: 'M', model: { model: 'mini' } }, new Map())).toMatchObject({
      kind: 'problem',
      message: expect.stringContaining('no LLM step'),
    });
  });
});
