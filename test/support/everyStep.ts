import type { WorkflowFile } from '../../src/schema/workflow';

/**
 * One workflow holding every step type (and every action), for the step forms:
 * start → classify → route ─(urgent)→ notify ─┬→ each (loop: line → tally) → fan (parallel a | b)
 *                         └(other)──→ hold ───┘   → review → ping → child → stop
 */
export function everyStepWorkflow(): WorkflowFile {
  return structuredClone({
    workflowConfig: {
      name: 'Every step',
      config: {
        variables: { tone: 'friendly' },
        secrets: { API_TOKEN: { kind: 'local' } },
        allowedHosts: ['api.example.com'],
        inputSchema: { type: 'object', properties: { customerId: { type: 'string' }, limit: { type: 'number' } } },
      },
    },
    stepsConfig: [
      {
        stepSlug: 'start',
        name: 'Start',
        stepType: 'trigger',
        config: { type: 'manual' },
        nextSteps: { default: 'classify' },
      },
      {
        stepSlug: 'classify',
        name: 'Classify',
        stepType: 'llm',
        config: {
          llmNode: {
            name: 'classify',
            model: 'gpt-4o-mini',
            systemPrompt: 'Be {{variables.tone}}.',
            userPrompt: 'Classify customer {{input.customerId}}',
            tools: ['customer_search'],
            temperature: 0.2,
          },
        },
        nextSteps: { success: 'route' },
      },
      {
        stepSlug: 'route',
        name: 'Route',
        stepType: 'condition',
        config: { rules: [{ when: "steps.classify.output.label = 'urgent'", next: 'urgent' }], default: 'other' },
        nextSteps: { urgent: 'notify', other: 'hold' },
      },
      {
        stepSlug: 'notify',
        name: 'Notify',
        stepType: 'action',
        config: { action: 'set', values: { note: 'urgent {{input.customerId}}' } },
        nextSteps: { success: 'each' },
      },
      {
        stepSlug: 'hold',
        name: 'Hold',
        stepType: 'action',
        config: { action: 'table.query', table: 'customers', where: { id: '{{input.customerId}}' }, limit: 5 },
        nextSteps: { success: 'each' },
      },
      {
        stepSlug: 'each',
        name: 'Each item',
        stepType: 'loop',
        config: {
          forEach: '{{steps.hold.output.rows}}',
          concurrency: 2,
          steps: [
            {
              stepSlug: 'line',
              name: 'Line',
              stepType: 'action',
              config: { action: 'transform', expression: 'loop.item.name' },
              nextSteps: { success: 'tally' },
            },
            {
              stepSlug: 'tally',
              name: 'Tally',
              stepType: 'action',
              config: { action: 'table.update', table: 'tally', where: { id: '{{loop.index}}' }, set: { n: 1 } },
            },
          ],
        },
        nextSteps: { success: 'fan' },
      },
      {
        stepSlug: 'fan',
        name: 'Fan out',
        stepType: 'parallel',
        config: {
          join: 'all',
          branches: {
            a: [
              {
                stepSlug: 'call',
                name: 'Call',
                stepType: 'action',
                config: {
                  action: 'http',
                  method: 'POST',
                  url: 'https://api.example.com/items',
                  headers: { authorization: 'Bearer {{secrets.API_TOKEN}}' },
                  body: { id: '{{input.customerId}}' },
                },
              },
            ],
            b: [{ stepSlug: 'nap', name: 'Nap', stepType: 'wait', config: { durationMs: 1000 } }],
          },
        },
        nextSteps: { success: 'review' },
      },
      {
        stepSlug: 'review',
        name: 'Review',
        stepType: 'approval',
        config: { prompt: 'Approve {{input.customerId}}?', timeoutMs: 60000 },
        nextSteps: { approved: 'ping', rejected: 'stop' },
      },
      {
        stepSlug: 'ping',
        name: 'Ping',
        stepType: 'event',
        config: { event: 'pinged', timeoutMs: 5000 },
        nextSteps: { success: 'child' },
      },
      {
        stepSlug: 'child',
        name: 'Child',
        stepType: 'subworkflow',
        config: { workflow: 'Helper', input: { id: '{{input.customerId}}' } },
        nextSteps: { success: 'stop' },
        retryPolicy: { maxRetries: 1 },
        timeoutMs: 30000,
      },
      { stepSlug: 'stop', name: 'Stop', stepType: 'trigger', config: { type: 'manual' }, nextSteps: {} },
    ],
  } as WorkflowFile);
}

/** The JSON path of the step with `slug`, searched through every body. */
export function pathOfSlug(file: WorkflowFile, slug: string): (string | number)[] {
  const search = (steps: unknown[], base: (string | number)[]): (string | number)[] | undefined => {
    for (const [i, raw] of steps.entries()) {
      const step = raw as { stepSlug: string; config: Record<string, unknown> };
      const here = [...base, i];
      if (step.stepSlug === slug) return here;
      if (Array.isArray(step.config.steps)) {
        const found = search(step.config.steps, [...here, 'config', 'steps']);
        if (found) return found;
      }
      const branches = step.config.branches as Record<string, unknown[]> | undefined;
      for (const [name, list] of Object.entries(branches ?? {})) {
        const found = search(list, [...here, 'config', 'branches', name]);
        if (found) return found;
      }
    }
    return undefined;
  };
  const found = search(file.stepsConfig as unknown[], ['stepsConfig']);
  if (!found) throw new Error(`no step ${slug}`);
  return found;
}
