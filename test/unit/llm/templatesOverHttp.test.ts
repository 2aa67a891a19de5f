import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_CUSTOMERS } from '../../../src/store/demoData';
import { TEMPLATES } from '../../../src/templates';
import { createTestEngine } from '../../support/engine';
import type { ScriptedReply } from '../../support/openaiServer';
import { createHarness, type Harness } from './harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

interface Case {
  input: unknown;
  script: ScriptedReply[];
  approve?: boolean;
  check?(t: ReturnType<typeof createTestEngine>, output: unknown): void;
}

const update = (status: string): ScriptedReply => ({
  toolCalls: [{ name: 'customer_update', args: { customerId: 'cus_002', status } }],
});
const search: ScriptedReply = { toolCalls: [{ name: 'customer_search', args: { customerId: 'cus_002' } }] };

const CASES: Record<string, Case> = {
  'single-customer-status': {
    input: { customerId: 'cus_002' },
    script: [
      search,
      { text: 'Grace Hopper: team plan, 3 open tickets, last login in September.' },
      { text: 'Status: at_risk.' },
      update('at_risk'),
      { text: 'Updated.' },
    ],
    check: (t) => {
      expect(t.data.table('customers').get('cus_002')).toMatchObject({ status: 'at_risk' });
      for (const row of DEMO_CUSTOMERS)
        if (row.id !== 'cus_002') expect(t.data.table('customers').get(row.id)).toEqual(row);
    },
  },
  'weather-outfit-chain': { input: { location: 'Lisbon' }, script: [] },
  'parallel-analysis': { input: { customerId: 'cus_001' }, script: [] },
  'support-routing': {
    input: { message: 'I was charged twice' },
    script: [{ json: { department: 'billing', reason: 'double charge' } }],
    check: (t) => expect([...t.data.steps.values()].find((s) => s.slug === 'route')?.branch).toBe('billing'),
  },
  'approval-before-update': {
    input: { customerId: 'cus_002' },
    script: [search, { text: 'Propose churned.' }, update('churned'), { text: 'Applied.' }],
    approve: true,
    check: (t) => expect(t.data.table('customers').get('cus_002')).toMatchObject({ status: 'churned' }),
  },
  'invoice-extraction': {
    input: { email: 'Invoice ACME GmbH for 3 days at 1200 EUR and 2 hours at 80 EUR' },
    script: [
      {
        json: {
          customer: 'ACME GmbH',
          currency: 'EUR',
          dueInDays: 30,
          lines: [
            { description: 'Workshop day', quantity: 3, unitPrice: 1200 },
            { description: 'Travel', quantity: 2, unitPrice: 80 },
          ],
        },
      },
    ],
    check: (_t, output) => expect(output).toEqual({ customer: 'ACME GmbH', currency: 'EUR', total: 3760 }),
  },
};

describe('every LLM template runs end to end over HTTP on an OpenAI-compatible server', () => {
  it.each(Object.entries(CASES))('%s', async (id, c) => {
    h = await createHarness();
    h.server.script(...c.script);
    const t = createTestEngine({ runners: { model: h.runner } });
    for (const row of DEMO_CUSTOMERS) t.data.table('customers').set(row.id, { ...row });
    const runId = await t.engine.start({ workflow: TEMPLATES.find((x) => x.id === id)!.doc, input: c.input });
    if (c.approve) {
      for (let i = 0; i < 100 && !t.data.steps.get(`${runId}:approve@`); i++) await t.quiesce();
      await t.engine.approve(runId, `${runId}:approve@`, true);
    }
    const run = await t.runToEnd(runId);
    expect(run.status, JSON.stringify(run.error)).toBe('completed');
    const llm = [...t.data.steps.values()].filter((s) => s.stepType === 'llm');
    expect(llm.length).toBeGreaterThan(0);
    expect(llm.every((s) => s.meta?.provider === 'Test Provider')).toBe(true);
    expect(
      h.server.requests.filter((r) => r.path.endsWith('/chat/completions')).every((r) => r.body.stream === true),
    ).toBe(true);
    c.check?.(t, run.output);
  });
});
