import { describe, expect, it } from 'vitest';
import { TEMPLATES } from '../../../src/templates';
import { demoEngine } from '../../support/demoEngine';

const INPUTS: Record<string, unknown> = {
  'single-customer-status': { customerId: 'cus_002' },
  'weather-outfit-chain': { location: 'Lisbon' },
  'parallel-analysis': { customerId: 'cus_001' },
  'support-routing': { message: 'I was charged twice for my subscription this month.' },
  'approval-before-update': { customerId: 'cus_002' },
  'invoice-extraction': {
    email:
      'Please invoice ACME GmbH for 3 workshop days at 1200 EUR each and 2 hours of travel at 80 EUR. Due in 30 days.',
  },
  'customer-digest': {},
};

describe('every built-in template runs end to end on the demo model', () => {
  it.each(TEMPLATES.map((t) => [t.id, t] as const))('%s', async (id, template) => {
    const t = demoEngine();
    const runId = await t.engine.start({ workflow: template.doc, input: INPUTS[id] });
    if (id === 'approval-before-update') {
      await t.quiesce();
      for (
        let i = 0;
        i < 200 && ![...t.data.steps.values()].some((s) => s.stepType === 'approval' && s.status === 'waiting');
        i++
      ) {
        t.clock.advance(1000);
        await t.quiesce();
      }
      await t.engine.approve(runId, `${runId}:approve@`, true);
    }
    const run = await t.runToEnd(runId);
    expect(run.status, JSON.stringify(run.error)).toBe('completed');
    const llmSteps = [...t.data.steps.values()].filter((s) => s.stepType === 'llm');
    expect(llmSteps.every((s) => s.meta?.provider === 'demo')).toBe(true);
  });

  it('the seed example reads the input customer and changes only that row, to a valid status', async () => {
    const t = demoEngine();
    const before = structuredClone(Object.fromEntries(t.data.table('customers')));
    const run = await t.runToEnd(
      await t.engine.start({ workflow: TEMPLATES[0]!.doc, input: { customerId: 'cus_003' } }),
    );
    expect(run.status).toBe('completed');
    const tools = [...t.data.steps.values()]
      .filter((s) => s.stepType === 'tool')
      .map((s) => (s.input as { tool: string }).tool);
    expect(tools).toEqual(['customer_search', 'customer_update']);
    const after = Object.fromEntries(t.data.table('customers'));
    for (const [id, row] of Object.entries(before)) if (id !== 'cus_003') expect(after[id]).toEqual(row);
    expect(['active', 'at_risk', 'churned']).toContain(after.cus_003!.status);
    // The last agent reports the change in words, naming the customer and the new status.
    expect(run.output).toContain(`its status is now ${after.cus_003!.status}`);
    expect(run.output).toContain('(cus_003)');
  });

  it('support routing sends a double charge to billing', async () => {
    const t = demoEngine();
    const run = await t.runToEnd(
      await t.engine.start({
        workflow: TEMPLATES.find((x) => x.id === 'support-routing')!.doc,
        input: INPUTS['support-routing'],
      }),
    );
    expect([...t.data.steps.values()].find((s) => s.slug === 'route')?.branch).toBe('billing');
    expect(run.status).toBe('completed');
  });
});
