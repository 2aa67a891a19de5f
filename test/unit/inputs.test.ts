import { describe, expect, it } from 'vitest';
import { workflowInputUses } from '../../src/schema/inputs';
import { workflowInputs } from '../../src/schema/summary';

const WORKFLOW = {
  workflowConfig: {
    name: 'Reads inputs',
    config: { inputSchema: { type: 'object', properties: { region: { type: 'string' } } } },
  },
  stepsConfig: [
    {
      stepSlug: 'start',
      name: 'Start',
      stepType: 'trigger',
      config: { type: 'manual', data: { customerId: '{{input.customerId}}' } },
      nextSteps: { default: 'check' },
    },
    {
      stepSlug: 'check',
      name: 'Check',
      stepType: 'condition',
      config: { rules: [{ when: 'input.limit > 3 and $.input.customerId != ""', next: 'each' }] },
    },
    {
      stepSlug: 'each',
      name: 'Each',
      stepType: 'loop',
      config: {
        forEach: '{{input.items}}',
        steps: [
          {
            stepSlug: 'say',
            name: 'Say',
            stepType: 'action',
            config: { action: 'set', values: { who: 'hello {{input.customerId}} {{trigger.data.customerId}}' } },
          },
        ],
      },
    },
  ],
};

describe('inputs a workflow reads', () => {
  it('lists declared inputs, then the ones templates and expressions read without declaring them', () => {
    expect(workflowInputUses(WORKFLOW)).toEqual([
      { name: 'region', declared: true, usedBy: [] },
      { name: 'customerId', declared: false, usedBy: ['start', 'say', 'check'] },
      { name: 'items', declared: false, usedBy: ['each'] },
      { name: 'limit', declared: false, usedBy: ['check'] },
    ]);
  });

  it('the run form and the preview ask for an undeclared input even when there is an input schema', () => {
    expect(workflowInputs(WORKFLOW)).toEqual(['region', 'customerId', 'items', 'limit']);
  });

  it('reads nothing from other roots or from malformed steps', () => {
    expect(workflowInputUses({ stepsConfig: [null, 3, { config: { x: '{{steps.input.output}}' } }] })).toEqual([]);
  });
});
