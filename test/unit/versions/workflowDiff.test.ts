import { describe, expect, it } from 'vitest';
import {
  diffHighlights,
  diffJson,
  diffWorkflows,
  fieldLabel,
  isEmptyDiff,
  summarizeDiff,
} from '../../../src/schema/workflowDiff';
import type { WorkflowFile } from '../../../src/schema/workflow';
import { chain, llm, set } from '../../support/flows';

type Mutation = (file: WorkflowFile & Record<string, unknown>) => void;
type StepJson = Record<string, unknown> & { config: Record<string, unknown> };

const loop = (slug: string, steps: object[]) => ({
  stepSlug: slug,
  name: slug,
  stepType: 'loop',
  config: { forEach: '{{input.items}}', steps },
});
const parallel = (slug: string, branches: Record<string, object[]>) => ({
  stepSlug: slug,
  name: slug,
  stepType: 'parallel',
  config: { join: 'all', branches },
});

function base(): WorkflowFile & Record<string, unknown> {
  return chain('Routing', [
    llm('classify', 'Classify {{input.value}}'),
    loop('each', [set('note', { a: 1 }), set('tag', { b: 2 })]),
    parallel('fan', { left: [set('l1', 1)], right: [set('r1', 2)] }),
  ]) as WorkflowFile & Record<string, unknown>;
}

const step = (file: WorkflowFile, ...path: (string | number)[]): StepJson =>
  path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], file) as StepJson;

/** Each row: a change to the base file → the summary and the highlighted slugs. */
const CASES: {
  name: string;
  mutate: Mutation;
  summary: string;
  added?: string[];
  removed?: string[];
  changed?: string[];
}[] = [
  { name: 'nothing', mutate: () => {}, summary: 'no changes' },
  {
    name: 'a top-level step added',
    mutate: (f) => void f.stepsConfig.push(set('notify', { done: true }) as never),
    summary: 'added step `notify`',
    added: ['notify'],
  },
  {
    name: 'a prompt edited',
    mutate: (f) => (step(f, 'stepsConfig', 1).config.llmNode = { ...llmNodeOf(f), userPrompt: 'Sort {{input.value}}' }),
    summary: 'changed prompt of `classify`',
    changed: ['classify'],
  },
  {
    name: 'a step added and a prompt edited (the example in the issue)',
    mutate: (f) => {
      f.stepsConfig.push(set('notify', {}) as never);
      step(f, 'stepsConfig', 1).config.llmNode = { ...llmNodeOf(f), userPrompt: 'Sort' };
    },
    summary: 'added step `notify`, changed prompt of `classify`',
    added: ['notify'],
    changed: ['classify'],
  },
  {
    name: 'a step inside a loop body changed',
    mutate: (f) => (step(f, 'stepsConfig', 2, 'config', 'steps', 1).config.values = { b: 3 }),
    summary: 'changed values of `tag`',
    changed: ['tag'],
  },
  {
    name: 'a step removed from a parallel branch, the container itself unchanged',
    mutate: (f) => (step(f, 'stepsConfig', 3).config.branches = { left: [set('l1', 1)] }),
    summary: 'removed step `r1`',
    removed: ['r1'],
  },
  {
    name: 'a step added to a loop body',
    mutate: (f) => void (step(f, 'stepsConfig', 2).config.steps as object[]).push(set('extra', 0)),
    summary: 'added step `extra`',
    added: ['extra'],
  },
  {
    name: "a container's own field",
    mutate: (f) => (step(f, 'stepsConfig', 2).config.concurrency = 3),
    summary: 'changed concurrency of `each`',
    changed: ['each'],
  },
  {
    name: 'a step moved from a loop into a parallel branch',
    mutate: (f) => {
      const body = step(f, 'stepsConfig', 2).config.steps as object[];
      const [moved] = body.splice(0, 1);
      (step(f, 'stepsConfig', 3).config.branches as Record<string, object[]>).left!.push(moved!);
    },
    summary: 'moved `note` to branch `left` of `fan`',
    changed: ['note'],
  },
  {
    name: 'two steps of one body swapped',
    mutate: (f) => void (step(f, 'stepsConfig', 2).config.steps as object[]).reverse(),
    summary: 'reordered the steps of loop `each`',
  },
  {
    name: 'next steps and the name of one step',
    mutate: (f) => {
      step(f, 'stepsConfig', 1).nextSteps = { success: 'fan' };
      step(f, 'stepsConfig', 1).name = 'Classifier';
    },
    summary: 'changed next steps and name of `classify`',
    changed: ['classify'],
  },
  {
    name: 'workflow settings',
    mutate: (f) => {
      f.workflowConfig.description = 'Routes tickets';
      f.workflowConfig.config = { allowedHosts: ['api.example.com'] };
    },
    summary: "changed the workflow's allowed hosts and description",
  },
  {
    name: 'many changes are cut short',
    mutate: (f) => {
      for (const slug of ['a', 'b', 'c', 'd', 'e']) f.stepsConfig.push(set(slug, 0) as never);
      f.stepsConfig.splice(1, 1);
      f.workflowConfig.description = 'x';
      step(f, 'stepsConfig', 1).config.concurrency = 2;
      step(f, 'stepsConfig', 2).config.join = 'any';
    },
    summary:
      'added steps `a`, `b`, `c`, `d` and `e`, removed step `classify`, ' +
      'changed concurrency of `each` and 2 more changes',
    added: ['a', 'b', 'c', 'd', 'e'],
    removed: ['classify'],
    changed: ['each', 'fan'],
  },
];

function llmNodeOf(file: WorkflowFile): Record<string, unknown> {
  return step(file, 'stepsConfig', 1).config.llmNode as Record<string, unknown>;
}

describe('workflow diff', () => {
  it.each(CASES)('$name', ({ mutate, summary, added = [], removed = [], changed = [] }) => {
    const before = base();
    const after = structuredClone(before);
    mutate(after);
    const diff = diffWorkflows(before, after);
    expect(summarizeDiff(diff)).toBe(summary);
    expect(diffHighlights(diff)).toEqual({ added, removed, changed });
    expect(isEmptyDiff(diff)).toBe(summary === 'no changes');
  });

  it('a changed step carries a before/after JSON diff per path', () => {
    const before = base();
    const after = structuredClone(before);
    step(after, 'stepsConfig', 1).config.llmNode = { ...llmNodeOf(after), userPrompt: 'Sort', temperature: 0.2 };
    const [change] = diffWorkflows(before, after).changed;
    expect(change?.changes).toEqual([
      {
        kind: 'changed',
        path: ['config', 'llmNode', 'userPrompt'],
        before: 'Classify {{input.value}}',
        after: 'Sort',
      },
      { kind: 'added', path: ['config', 'llmNode', 'temperature'], after: 0.2 },
    ]);
    expect(change?.fields).toEqual(['prompt', 'temperature']);
  });

  it('a container step never reports its bodies as its own change', () => {
    const before = base();
    const after = structuredClone(before);
    step(after, 'stepsConfig', 3, 'config', 'branches', 'left', 0).config.values = 9;
    expect(diffWorkflows(before, after).changed.map((c) => c.slug)).toEqual(['l1']);
  });

  it('files that are not workflows at all diff without throwing', () => {
    expect(summarizeDiff(diffWorkflows(null, { stepsConfig: 'nope' }))).toBe("changed the workflow's steps config");
    expect(diffWorkflows({ stepsConfig: [1, { stepType: 'set' }] }, {}).removed).toEqual([
      { slug: '#1', stepType: 'set', place: {} },
    ]);
  });

  it('a duplicated slug stays two steps', () => {
    const before = chain('Dup', [set('x', 1), set('x', 2)]);
    const after = structuredClone(before);
    step(after, 'stepsConfig', 2).config.values = 3;
    expect(diffHighlights(diffWorkflows(before, after)).changed).toEqual(['x (2)']);
  });
});

describe('JSON diff', () => {
  it.each([
    ['equal values', { a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }, []],
    ['a key added', { a: 1 }, { a: 1, b: 2 }, [{ kind: 'added', path: ['b'], after: 2 }]],
    ['a key removed', { a: 1, b: 2 }, { a: 1 }, [{ kind: 'removed', path: ['b'], before: 2 }]],
    ['an array grows', [1], [1, 2], [{ kind: 'added', path: [1], after: 2 }]],
    ['an array shrinks', [1, 2], [1], [{ kind: 'removed', path: [1], before: 2 }]],
    [
      'a nested value',
      { a: { b: [0, 1] } },
      { a: { b: [0, 5] } },
      [{ kind: 'changed', path: ['a', 'b', 1], before: 1, after: 5 }],
    ],
    ['a type change', { a: [1] }, { a: { 0: 1 } }, [{ kind: 'changed', path: ['a'], before: [1], after: { 0: 1 } }]],
    ['undefined members are absent', { a: 1, b: undefined }, { a: 1 }, []],
  ])('%s', (_, before, after, expected) => {
    expect(diffJson(before, after)).toEqual(expected);
  });

  it.each([
    [['config', 'llmNode', 'userPrompt'], 'prompt'],
    [['config', 'llmNode', 'systemPrompt'], 'system prompt'],
    [['nextSteps', 'success'], 'next steps'],
    [['config', 'forEach'], 'for each'],
    [['workflowConfig', 'config', 'allowedHosts', 0], 'allowed hosts'],
    [['workflowConfig', 'name'], 'name'],
    [['ui', 'positions', 'a'], 'layout'],
  ])('the field of %j reads "%s"', (path, label) => {
    expect(fieldLabel(path)).toBe(label);
  });
});
