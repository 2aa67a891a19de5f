import { describe, expect, it } from 'vitest';
import { TEMPLATES } from '../../../src/templates';
import { demoEngine } from '../../support/demoEngine';

type Engine = ReturnType<typeof demoEngine>;
type Outputs = (slug: string) => unknown;

/** Runs a template to its end (approving its approval step) and returns its steps' outputs and the run's. */
async function runTemplate(id: string, input: unknown) {
  const template = TEMPLATES.find((t) => t.id === id)!;
  const t = demoEngine();
  const runId = await t.engine.start({ workflow: template.doc, input });
  if (template.doc.stepsConfig.some((s) => s.stepType === 'approval')) await approveWhenWaiting(t, runId);
  const run = await t.runToEnd(runId);
  expect(run.status, JSON.stringify(run.error)).toBe('completed');
  const steps = [...t.data.steps.values()].filter((s) => s.stepType !== 'llm-round' && s.stepType !== 'tool');
  const output: Outputs = (slug) => steps.find((s) => s.slug === slug)?.output;
  return { output, final: text(run.output) };
}

async function approveWhenWaiting(t: Engine, runId: string) {
  const waiting = () => [...t.data.steps.values()].find((s) => s.stepType === 'approval' && s.status === 'waiting');
  for (let i = 0; i < 200 && !waiting(); i++) {
    t.clock.advance(1000);
    await t.quiesce();
  }
  await t.engine.approve(runId, waiting()!.key, true);
}

const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
const firstRow = (value: unknown) => (value as { rows: Array<Record<string, unknown>> }).rows[0]!;

/**
 * Each template's final answer builds on what the steps before it produced: the facts it names are
 * read from those steps' outputs, never typed in here.
 */
describe("the demo model's final answer uses what the earlier steps produced", () => {
  it('parallel-analysis: the summary names the customer the analysts described and gives both views', async () => {
    const { output, final } = await runTemplate('parallel-analysis', { customerId: 'cus_001' });
    const customer = firstRow(output('lookup'));
    const views = output('analyses') as { risk: string; value: string };
    expect(views.risk).toContain(String(customer.name));
    expect(final).toContain(`${String(customer.name)} (${String(customer.id)})`);
    expect(final).not.toMatch(/no customer data/);
    expect(final).toContain(views.risk.split('. ')[1]!.replace(/\.$/, ''));
    expect(final).toContain(views.value.split('. ')[1]!.replace(/\.$/, ''));
  });

  it('single-customer-status: the update reports the customer collected and the status proposed', async () => {
    const { output, final } = await runTemplate('single-customer-status', { customerId: 'cus_002' });
    const collected = text(output('data_collector_agent'));
    expect(collected).toContain('Grace Hopper');
    const proposed = /setting .* to (\w+)\./.exec(text(output('status_analyzer_agent')))![1]!;
    expect(final).toContain(`Grace Hopper (cus_002): its status is now ${proposed}`);
  });

  it('weather-outfit-chain: the outfit builds on the forecast, at its temperature', async () => {
    const { output, final } = await runTemplate('weather-outfit-chain', { location: 'Porto' });
    const forecast = text(output('weather_agent'));
    expect(forecast).toContain('Porto');
    const high = /high around (-?\d+) °C/.exec(forecast)![1]!;
    expect(final).toContain(`around ${high} °C`);
  });

  it('support-routing: the agent the triage chose answers the message', async () => {
    const message = 'I was charged twice for my subscription this month.';
    const { output, final } = await runTemplate('support-routing', { message });
    const department = (output('triage') as { department: string }).department;
    expect((output('route') as { branch: string }).branch).toBe(department);
    expect(text(output(`${department}_agent`))).toBe(final);
    expect(final).toContain(message.replace(/\.$/, ''));
  });

  it('approval-before-update: the applied change is the one proposed and approved', async () => {
    const { output, final } = await runTemplate('approval-before-update', { customerId: 'cus_002' });
    const proposed = /setting Grace Hopper \(cus_002\) to (\w+)\./.exec(text(output('proposer')))![1]!;
    expect(final).toContain(`Grace Hopper (cus_002): its status is now ${proposed}`);
  });

  it('invoice-extraction: the total is computed from the extracted lines', async () => {
    const email = 'Please invoice Initech Ltd for 4 consulting days at 900 EUR each. Due in 14 days.';
    const { output, final } = await runTemplate('invoice-extraction', { email });
    const extracted = output('extract') as { customer: string; lines: Array<{ quantity: number; unitPrice: number }> };
    expect(extracted.customer).toBe('Initech Ltd');
    const total = extracted.lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
    expect(total).toBe(3600);
    expect(JSON.parse(final)).toMatchObject({ customer: 'Initech Ltd', total });
  });

  it('customer-digest: the digest lists the customers the query returned', async () => {
    const { output, final } = await runTemplate('customer-digest', {});
    const rows = (output('customers') as { rows: Array<{ name: string }> }).rows;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(final).toContain(row.name);
  });

  it('covers every template', () => {
    expect(TEMPLATES.map((t) => t.id).sort()).toEqual([
      'approval-before-update',
      'customer-digest',
      'invoice-extraction',
      'parallel-analysis',
      'single-customer-status',
      'support-routing',
      'weather-outfit-chain',
    ]);
  });
});
