import { describe, expect, it } from 'vitest';
import { validateWorkflowFile } from '../../src/schema/validate';
import { previewWorkflowText } from '../../src/schema/importer';
import type { Problem } from '../../src/schema/problems';
import { baseWorkflow } from '../support/workflows';

type Doc = ReturnType<typeof baseWorkflow> & Record<string, any>;
type Expected = { severity: Problem['severity']; code: string; path: string; slug?: string; message: RegExp };

const steps = (doc: Doc) => doc.stepsConfig as any[];
const http = (url: string, extra: Record<string, unknown> = {}) => ({
  stepSlug: 'call',
  name: 'Call',
  stepType: 'action',
  config: { action: 'http', method: 'GET', url, ...extra },
  nextSteps: { success: 'done' },
});

/** Each rule: a mutation of a valid workflow → the one problem it must produce. */
const RULES: Array<[string, (doc: Doc) => void, Expected]> = [
  [
    'duplicate slugs',
    (d) => {
      steps(d)[2].stepSlug = 'ask';
      steps(d)[1].nextSteps = { success: 'ask' };
    },
    {
      severity: 'error',
      code: 'duplicate-slug',
      path: '$.stepsConfig[2].stepSlug',
      slug: 'ask',
      message: /used twice/,
    },
  ],
  [
    'unknown nextSteps target',
    (d) => {
      steps(d)[1].nextSteps.success = 'nowhere';
    },
    {
      severity: 'error',
      code: 'unknown-target',
      path: '$.stepsConfig[1].nextSteps.success',
      slug: 'ask',
      message: /no step has that slug/,
    },
  ],
  [
    'unknown branch key',
    (d) => {
      steps(d)[1].nextSteps = { sideways: 'done' };
    },
    {
      severity: 'error',
      code: 'unknown-branch-key',
      path: '$.stepsConfig[1].nextSteps.sideways',
      slug: 'ask',
      message: /unknown branch key "sideways"/,
    },
  ],
  [
    'no entry trigger',
    (d) => {
      steps(d)[0] = { ...steps(d)[0], stepType: 'action', config: { action: 'set', values: {} } };
    },
    { severity: 'error', code: 'no-entry', path: '$.stepsConfig', message: /no entry/ },
  ],
  [
    'several entry triggers',
    (d) => {
      steps(d).push({
        stepSlug: 'other',
        name: 'Other',
        stepType: 'trigger',
        config: { type: 'manual' },
        nextSteps: {},
      });
    },
    {
      severity: 'error',
      code: 'several-entries',
      path: '$.stepsConfig',
      message: /several entry triggers \("start", "other"\)/,
    },
  ],
  [
    'unreachable step',
    (d) => {
      steps(d).push({ stepSlug: 'orphan', name: 'Orphan', stepType: 'action', config: { action: 'set', values: {} } });
    },
    { severity: 'warning', code: 'unreachable', path: '$.stepsConfig[3]', slug: 'orphan', message: /never reached/ },
  ],
  [
    'cycle',
    (d) => {
      steps(d)[2].nextSteps = { default: 'ask' };
    },
    {
      severity: 'error',
      code: 'cycle',
      path: '$.stepsConfig[1].nextSteps',
      slug: 'ask',
      message: /cycle through "ask" → "done" → "ask"/,
    },
  ],
  [
    'template names an unknown step',
    (d) => {
      steps(d)[1].config.llmNode.userPrompt = 'Use {{steps.ghost.output}}';
    },
    {
      severity: 'warning',
      code: 'unknown-step',
      path: '$.stepsConfig[1].config.llmNode.userPrompt',
      slug: 'ask',
      message: /step "ghost"/,
    },
  ],
  [
    'template names an input missing from the input schema',
    (d) => {
      d.workflowConfig.config!.inputSchema = { type: 'object', properties: { other: {} } };
    },
    {
      severity: 'warning',
      code: 'unknown-input',
      path: '$.stepsConfig[0].config.data.customerId',
      slug: 'start',
      message: /input "customerId"/,
    },
  ],
  [
    'template names an unknown variable',
    (d) => {
      steps(d)[1].config.llmNode.userPrompt = '{{variables.nope}}';
    },
    {
      severity: 'warning',
      code: 'unknown-variable',
      path: '$.stepsConfig[1].config.llmNode.userPrompt',
      slug: 'ask',
      message: /variable "nope"/,
    },
  ],
  [
    'malformed template',
    (d) => {
      steps(d)[1].config.llmNode.userPrompt = 'Hi {{trigger.data.x';
    },
    {
      severity: 'error',
      code: 'bad-template',
      path: '$.stepsConfig[1].config.llmNode.userPrompt',
      slug: 'ask',
      message: /unclosed/,
    },
  ],
  [
    'unknown tool',
    (d) => {
      steps(d)[1].config.llmNode.tools = ['launch_rockets'];
    },
    {
      severity: 'error',
      code: 'unknown-tool',
      path: '$.stepsConfig[1].config.llmNode.tools[0]',
      slug: 'ask',
      message: /unknown tool "launch_rockets"/,
    },
  ],
  [
    'unknown action',
    (d) => {
      steps(d)[1] = { ...steps(d)[1], stepType: 'action', config: { action: 'explode' } };
    },
    {
      severity: 'error',
      code: 'shape',
      path: '$.stepsConfig[1].config.action',
      slug: 'ask',
      message: /unknown action "explode"; expected one of: set, transform/,
    },
  ],
  [
    'unknown step type',
    (d) => {
      steps(d)[1].stepType = 'teleport';
    },
    {
      severity: 'error',
      code: 'shape',
      path: '$.stepsConfig[1].stepType',
      slug: 'ask',
      message: /unknown step type "teleport"/,
    },
  ],
  [
    'missing required field',
    (d) => {
      delete steps(d)[1].name;
    },
    { severity: 'error', code: 'shape', path: '$.stepsConfig[1].name', slug: 'ask', message: /"name" is required/ },
  ],
  [
    'host not in allowedHosts',
    (d) => {
      steps(d)[1] = http('https://evil.example.org/x');
      steps(d)[0].nextSteps.default = 'call';
    },
    {
      severity: 'error',
      code: 'host-not-allowed',
      path: '$.stepsConfig[1].config.url',
      slug: 'call',
      message: /"evil\.example\.org" is not in/,
    },
  ],
  [
    'templated host',
    (d) => {
      steps(d)[1] = http('{{variables.greeting}}/x');
      steps(d)[0].nextSteps.default = 'call';
    },
    {
      severity: 'error',
      code: 'bad-url',
      path: '$.stepsConfig[1].config.url',
      slug: 'call',
      message: /host written out/,
    },
  ],
  [
    'secret outside an http request',
    (d) => {
      steps(d)[1].config.llmNode.userPrompt = 'key {{secrets.TOKEN}}';
    },
    {
      severity: 'error',
      code: 'secret-misplaced',
      path: '$.stepsConfig[1].config.llmNode.userPrompt',
      slug: 'ask',
      message: /only be used in an http action/,
    },
  ],
  [
    'undeclared secret',
    (d) => {
      steps(d)[1] = http('https://api.example.com/x', { headers: { Authorization: 'Bearer {{secrets.OTHER}}' } });
      steps(d)[0].nextSteps.default = 'call';
    },
    {
      severity: 'warning',
      code: 'unknown-secret',
      path: '$.stepsConfig[1].config.headers.Authorization',
      slug: 'call',
      message: /secret "OTHER" is not declared/,
    },
  ],
  [
    'a secret value stored in the file',
    (d) => {
      d.workflowConfig.config!.secrets = { TOKEN: { kind: 'local', value: 'sk-live' } as any };
    },
    {
      severity: 'error',
      code: 'secret-value-in-file',
      path: '$.workflowConfig.config.secrets.TOKEN.value',
      message: /never go in a workflow file/,
    },
  ],
  [
    'a secret encrypted elsewhere',
    (d) => {
      d.workflowConfig.config!.secrets = { TOKEN: { kind: 'inlineEncrypted', cipherText: '...' } };
    },
    {
      severity: 'warning',
      code: 'secret-needs-value',
      path: '$.workflowConfig.config.secrets.TOKEN',
      message: /enter its value again/,
    },
  ],
  [
    'loop template outside a loop',
    (d) => {
      steps(d)[1].config.llmNode.userPrompt = '{{loop.item}}';
    },
    {
      severity: 'error',
      code: 'loop-outside-loop',
      path: '$.stepsConfig[1].config.llmNode.userPrompt',
      slug: 'ask',
      message: /only available inside a loop/,
    },
  ],
  [
    'bad expression',
    (d) => {
      steps(d)[1] = {
        stepSlug: 'route',
        name: 'Route',
        stepType: 'condition',
        config: { rules: [{ when: 'input.x = = 1', next: 'yes' }] },
        nextSteps: { yes: 'done' },
      };
      steps(d)[0].nextSteps.default = 'route';
    },
    {
      severity: 'error',
      code: 'bad-expression',
      path: '$.stepsConfig[1].config.rules[0].when',
      slug: 'route',
      message: /expression: .*character/,
    },
  ],
  [
    'condition rule to a missing branch',
    (d) => {
      steps(d)[1] = {
        stepSlug: 'route',
        name: 'Route',
        stepType: 'condition',
        config: { rules: [{ when: 'true', next: 'yes' }], default: 'no' },
        nextSteps: { yes: 'done' },
      };
      steps(d)[0].nextSteps.default = 'route';
    },
    {
      severity: 'error',
      code: 'unknown-branch-key',
      path: '$.stepsConfig[1].config.default',
      slug: 'route',
      message: /default goes to "no"/,
    },
  ],
  [
    'target inside another body',
    (d) => {
      steps(d)[1] = {
        stepSlug: 'each',
        name: 'Each',
        stepType: 'loop',
        config: {
          forEach: [1, 2],
          steps: [{ stepSlug: 'inner', name: 'Inner', stepType: 'action', config: { action: 'set', values: {} } }],
        },
        nextSteps: { success: 'inner' },
      };
      steps(d)[0].nextSteps.default = 'each';
    },
    {
      severity: 'error',
      code: 'unknown-target',
      path: '$.stepsConfig[1].nextSteps.success',
      slug: 'each',
      message: /in the body of "each"/,
    },
  ],
  [
    'loop body with two first steps',
    (d) => {
      steps(d)[1] = {
        stepSlug: 'each',
        name: 'Each',
        stepType: 'loop',
        config: {
          forEach: [1],
          steps: [
            { stepSlug: 'a', name: 'A', stepType: 'action', config: { action: 'set', values: {} } },
            { stepSlug: 'b', name: 'B', stepType: 'action', config: { action: 'set', values: {} } },
          ],
        },
        nextSteps: { success: 'done' },
      };
      steps(d)[0].nextSteps.default = 'each';
    },
    {
      severity: 'error',
      code: 'several-entries',
      path: '$.stepsConfig[1].config.steps',
      slug: 'each',
      message: /several first steps \("a", "b"\)/,
    },
  ],
  [
    'trigger inside a container',
    (d) => {
      steps(d)[1] = {
        stepSlug: 'each',
        name: 'Each',
        stepType: 'loop',
        config: {
          forEach: [1],
          steps: [{ stepSlug: 't', name: 'T', stepType: 'trigger', config: { type: 'manual' } }],
        },
        nextSteps: { success: 'done' },
      };
      steps(d)[0].nextSteps.default = 'each';
    },
    {
      severity: 'error',
      code: 'misplaced-trigger',
      path: '$.stepsConfig[1].config.steps[0].stepType',
      slug: 't',
      message: /top level/,
    },
  ],
  [
    'loop with both forEach and while',
    (d) => {
      steps(d)[1] = {
        stepSlug: 'each',
        name: 'Each',
        stepType: 'loop',
        config: {
          forEach: [1],
          while: 'true',
          steps: [{ stepSlug: 'a', name: 'A', stepType: 'action', config: { action: 'set', values: {} } }],
        },
        nextSteps: { success: 'done' },
      };
      steps(d)[0].nextSteps.default = 'each';
    },
    {
      severity: 'error',
      code: 'shape',
      path: '$.stepsConfig[1].config',
      slug: 'each',
      message: /exactly one of "forEach" or "while"/,
    },
  ],
  [
    'wait with neither duration nor time',
    (d) => {
      steps(d)[1] = { stepSlug: 'nap', name: 'Nap', stepType: 'wait', config: {}, nextSteps: { success: 'done' } };
      steps(d)[0].nextSteps.default = 'nap';
    },
    {
      severity: 'error',
      code: 'shape',
      path: '$.stepsConfig[1].config',
      slug: 'nap',
      message: /exactly one of "durationMs" or "until"/,
    },
  ],
  [
    'subworkflow calling itself',
    (d) => {
      steps(d)[1] = {
        stepSlug: 'sub',
        name: 'Sub',
        stepType: 'subworkflow',
        config: { workflow: 'Base' },
        nextSteps: { success: 'done' },
      };
      steps(d)[0].nextSteps.default = 'sub';
    },
    {
      severity: 'error',
      code: 'subworkflow-cycle',
      path: '$.stepsConfig[1].config.workflow',
      slug: 'sub',
      message: /calls itself/,
    },
  ],
  [
    'host entry that is a URL',
    (d) => {
      d.workflowConfig.config!.allowedHosts = ['https://api.example.com/v1'];
    },
    {
      severity: 'error',
      code: 'bad-host',
      path: '$.workflowConfig.config.allowedHosts[0]',
      message: /not a host name/,
    },
  ],
];

describe('validation rules', () => {
  it('the base workflow is valid', () => {
    expect(validateWorkflowFile(baseWorkflow()).problems).toEqual([]);
  });

  it.each(RULES)('%s', (_name, mutate, expected) => {
    const doc = baseWorkflow() as Doc;
    mutate(doc);
    const { problems } = validateWorkflowFile(doc);
    const match = problems.find((p) => p.code === expected.code && p.path === expected.path);
    expect(match, `problems were: ${JSON.stringify(problems, null, 1)}`).toBeDefined();
    expect(match!.severity).toBe(expected.severity);
    expect(match!.message).toMatch(expected.message);
    if (expected.slug) expect(match!.slug).toBe(expected.slug);
  });

  it('reports every problem at once', () => {
    const doc = baseWorkflow() as Doc;
    steps(doc)[1].config.llmNode.tools = ['nope'];
    steps(doc)[1].nextSteps = { success: 'missing' };
    steps(doc)[2].stepType = 'mystery';
    const codes = validateWorkflowFile(doc)
      .problems.filter((p) => p.severity === 'error')
      .map((p) => p.code);
    expect(codes).toEqual(expect.arrayContaining(['unknown-tool', 'unknown-target', 'shape']));
  });

  it('warns about a subworkflow no saved workflow provides, only when the library is known', () => {
    const doc = baseWorkflow() as Doc;
    steps(doc)[1] = {
      stepSlug: 'sub',
      name: 'Sub',
      stepType: 'subworkflow',
      config: { workflow: 'Child' },
      nextSteps: { success: 'done' },
    };
    steps(doc)[0].nextSteps.default = 'sub';
    expect(validateWorkflowFile(doc).problems).toEqual([]);
    const known = validateWorkflowFile(doc, { knownWorkflows: ['Other'] }).problems;
    expect(known.map((p) => p.code)).toEqual(['unknown-workflow']);
    expect(validateWorkflowFile(doc, { knownWorkflows: ['Child'] }).problems).toEqual([]);
  });

  it('accepts a linear workflow of 10,000 steps and refuses one over the step limit', () => {
    const make = (n: number) => {
      const doc = baseWorkflow() as Doc;
      const chain = Array.from({ length: n }, (_, i) => ({
        stepSlug: `s${i}`,
        name: `S${i}`,
        stepType: 'action',
        config: { action: 'set', values: { i } },
        nextSteps: i + 1 < n ? { success: `s${i + 1}` } : {},
      }));
      doc.stepsConfig = [{ ...steps(doc)[0], nextSteps: { default: 's0' } }, ...chain] as never;
      return doc;
    };
    expect(validateWorkflowFile(make(10_000)).problems).toEqual([]);
    expect(validateWorkflowFile(make(20_001)).problems.map((p) => p.code)).toEqual(['too-many-steps']);
  });

  it('keeps unknown extra fields', () => {
    const doc = baseWorkflow() as Doc;
    doc.workflowConfig.owner = 'ops';
    steps(doc)[1].config.llmNode.futureOption = { a: 1 };
    const preview = previewWorkflowText(JSON.stringify(doc));
    expect(preview.ok).toBe(true);
    expect((preview.file as Doc).workflowConfig.owner).toBe('ops');
    expect((preview.file as any).stepsConfig[1].config.llmNode.futureOption).toEqual({ a: 1 });
  });
});
