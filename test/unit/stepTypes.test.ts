import { describe, expect, it } from 'vitest';
import { validateWorkflowFile } from '../../src/schema/validate';
import { around } from '../support/workflows';

const set = (slug: string, next: Record<string, string> = {}) => ({
  stepSlug: slug,
  name: slug,
  stepType: 'action',
  config: { action: 'set', values: { slug } },
  nextSteps: next,
});

/** One valid example per step type (and per action), each embedded as start → step → done. */
const EXAMPLES: Array<[string, Record<string, unknown>, Record<string, unknown>?]> = [
  [
    'llm',
    {
      stepSlug: 'agent',
      name: 'Agent',
      stepType: 'llm',
      config: {
        llmNode: {
          name: 'a',
          model: 'gpt-4o-mini',
          systemPrompt: 'Be brief.',
          userPrompt: 'Hi {{input.name}}',
          tools: ['customer_search'],
          provider: 'demo',
          thread: 'run',
          temperature: 0.2,
          maxOutputTokens: 200,
          maxToolRoundtrips: 3,
          outputSchema: { type: 'object', properties: { a: { type: 'string' } } },
        },
      },
    },
  ],
  [
    'condition',
    {
      stepSlug: 'route',
      name: 'Route',
      stepType: 'condition',
      config: { rules: [{ when: 'input.n > 1', next: 'big' }], default: 'small' },
      nextSteps: { big: 'done', small: 'done' },
    },
  ],
  [
    'loop (forEach)',
    {
      stepSlug: 'each',
      name: 'Each',
      stepType: 'loop',
      config: {
        forEach: '{{input.items}}',
        concurrency: 3,
        steps: [
          set('first', { success: 'second' }),
          { ...set('second'), config: { action: 'transform', expression: 'loop.item * 2 + loop.index' } },
        ],
      },
    },
  ],
  [
    'loop (while)',
    {
      stepSlug: 'pages',
      name: 'Pages',
      stepType: 'loop',
      config: {
        while: 'loop.index < 3',
        maxIterations: 50,
        steps: [{ ...set('page'), config: { action: 'set', values: { prev: '{{loop.previous.page.output}}' } } }],
      },
    },
  ],
  [
    'parallel',
    {
      stepSlug: 'fan',
      name: 'Fan',
      stepType: 'parallel',
      config: {
        join: 'any',
        branches: { risk: [set('risk')], value: [set('value_a', { success: 'value_b' }), set('value_b')] },
      },
    },
  ],
  ['action set', set('assign', { success: 'done' })],
  [
    'action transform',
    {
      stepSlug: 'calc',
      name: 'Calc',
      stepType: 'action',
      config: { action: 'transform', expression: '$sum(input.numbers)' },
    },
  ],
  [
    'action table.query',
    {
      stepSlug: 'q',
      name: 'Q',
      stepType: 'action',
      config: { action: 'table.query', table: 'customers', where: { status: 'active' }, limit: 10 },
    },
  ],
  [
    'action table.update',
    {
      stepSlug: 'u',
      name: 'U',
      stepType: 'action',
      config: {
        action: 'table.update',
        table: 'customers',
        where: { id: '{{input.id}}' },
        set: { status: 'churned' },
        upsert: false,
      },
    },
  ],
  [
    'action http',
    {
      stepSlug: 'h',
      name: 'H',
      stepType: 'action',
      config: {
        action: 'http',
        method: 'POST',
        url: 'https://api.example.com/items/{{input.id}}',
        headers: { Authorization: 'Bearer {{secrets.API_TOKEN}}' },
        query: { q: '{{input.q}}' },
        body: { id: '{{input.id}}' },
      },
    },
    { allowedHosts: ['api.example.com'], secrets: { API_TOKEN: { kind: 'local', description: 'Example API token' } } },
  ],
  ['wait (duration)', { stepSlug: 'nap', name: 'Nap', stepType: 'wait', config: { durationMs: 60000 } }],
  ['wait (until)', { stepSlug: 'until', name: 'Until', stepType: 'wait', config: { until: '{{input.remindAt}}' } }],
  [
    'approval',
    {
      stepSlug: 'ok',
      name: 'OK?',
      stepType: 'approval',
      config: { prompt: 'Update {{trigger.data.customerId}}?', timeoutMs: 86400000 },
      nextSteps: { approved: 'done', rejected: 'done', timeout: 'done' },
    },
  ],
  [
    'event',
    {
      stepSlug: 'paid',
      name: 'Paid',
      stepType: 'event',
      config: { event: 'payment_received', timeoutMs: 3600000 },
      nextSteps: { success: 'done', timeout: 'done' },
    },
  ],
  [
    'subworkflow',
    {
      stepSlug: 'child',
      name: 'Child',
      stepType: 'subworkflow',
      config: { workflow: 'Child workflow', input: { id: '{{input.id}}' } },
    },
  ],
  [
    'step with retry and timeout overrides',
    {
      ...set('careful'),
      retryPolicy: { maxRetries: 5, backoffMs: 100, exponentialBase: 3, jitter: false },
      timeoutMs: 5000,
      nextSteps: { success: 'done', failure: 'done', timeout: 'done' },
    },
  ],
];

describe('one valid example per step type', () => {
  it.each(EXAMPLES)('%s', (_name, step, settings) => {
    const { file, problems } = validateWorkflowFile(around(step, settings));
    expect(problems).toEqual([]);
    expect(file).toBeDefined();
  });
});
