import { describe, expect, it } from 'vitest';
import type { ChatMessage, ModelReply, ToolSpec } from '../../../src/engine/llmTypes';
import { createDemoModel } from '../../../src/llm/demo';
import { createModelRunner } from '../../../src/llm/modelRunner';
import { structuredAnswer } from '../../../src/engine/structuredOutput';
import { DEMO_CUSTOMERS } from '../../../src/store/demoData';
import { TEMPLATES } from '../../../src/templates';

interface LlmNode {
  systemPrompt?: string;
  userPrompt: string;
  tools?: string[];
  outputSchema?: Record<string, unknown>;
}

const TOOL_SPECS: Record<string, ToolSpec> = {
  customer_search: {
    name: 'customer_search',
    description: 'Find a customer by id',
    parameters: {
      type: 'object',
      properties: { customerId: { type: 'string' } },
      required: ['customerId'],
      additionalProperties: false,
    },
  },
  customer_update: {
    name: 'customer_update',
    description: "Set a customer's status",
    parameters: {
      type: 'object',
      properties: {
        customerId: { type: 'string' },
        status: { type: 'string', enum: ['active', 'at_risk', 'churned'] },
      },
      required: ['customerId', 'status'],
      additionalProperties: false,
    },
  },
};

/** The app's model runner with no provider configured, so every round goes to the real demo model. */
function createDemoRunner() {
  const sleeps: number[] = [];
  const runner = createModelRunner({
    settings: async () => ({ providers: [] }),
    key: async () => undefined,
    demoModel: (id) => createDemoModel({ modelId: id, sleep: async (ms) => void sleeps.push(ms) }),
    now: () => 0,
    sleep: async () => {},
  });
  return { runner, sleeps };
}

/** Runs a template's LLM steps in order in one shared thread, owning the tool loop as the engine does. */
async function runTemplate(templateId: string, data: Record<string, string>) {
  const { runner } = createDemoRunner();
  const thread: ChatMessage[] = [];
  const executed: { name: string; args: unknown }[] = [];
  const replies: Record<string, ModelReply> = {};
  const steps = TEMPLATES.find((t) => t.id === templateId)!.doc.stepsConfig as unknown as {
    stepSlug: string;
    config: { llmNode?: LlmNode };
  }[];
  for (const step of steps) {
    const node = step.config.llmNode;
    if (!node) continue;
    const fill = (text: string) => text.replace(/\{\{trigger\.data\.(\w+)\}\}/g, (_m, key: string) => data[key] ?? '');
    if (node.systemPrompt) thread.push({ role: 'system', content: node.systemPrompt });
    thread.push({ role: 'user', content: fill(node.userPrompt) });
    for (let round = 0; round < 4; round++) {
      const reply = await runner(
        {
          provider: undefined,
          model: 'gpt-4o-mini',
          messages: [...thread],
          tools: (node.tools ?? []).map((t) => TOOL_SPECS[t]!),
          outputSchema: node.outputSchema,
          temperature: undefined,
          maxOutputTokens: undefined,
          providerOptions: undefined,
        },
        {
          idempotencyKey: `${step.stepSlug}#${round}`,
          attempt: 1,
          signal: new AbortController().signal,
          onTextDelta: () => {},
        },
      );
      thread.push(
        reply.toolCalls.length > 0
          ? { role: 'assistant', content: reply.text, toolCalls: reply.toolCalls }
          : { role: 'assistant', content: reply.text },
      );
      replies[step.stepSlug] = reply;
      if (reply.toolCalls.length === 0) break;
      for (const call of reply.toolCalls) {
        executed.push({ name: call.name, args: call.args });
        const id = (call.args as { customerId: string }).customerId;
        const customer = DEMO_CUSTOMERS.find((c) => c.id === id);
        const result =
          call.name === 'customer_update'
            ? { ...customer, ...(call.args as object), updated: true }
            : (customer ?? { error: 'not found' });
        thread.push({ role: 'tool', toolCallId: call.id, toolName: call.name, result });
      }
    }
  }
  return { replies, executed };
}

describe('built-in templates on the demo model through the app runner', () => {
  it('Approve Before Update: looks up the customer, proposes a status, then applies that status', async () => {
    const { replies, executed } = await runTemplate('approval-before-update', { customerId: 'cus_003' });
    expect(executed).toEqual([
      { name: 'customer_search', args: { customerId: 'cus_003' } },
      { name: 'customer_update', args: { customerId: 'cus_003', status: 'churned' } },
    ]);
    expect(replies.proposer).toMatchObject({ provider: 'demo', model: 'gpt-4o-mini', finishReason: 'stop' });
    expect(replies.proposer!.text).toMatch(/I recommend setting Alan Turing \(cus_003\) to churned\./);
    expect(replies.apply!.text).toContain('its status is now churned');
    expect(replies.apply!.usage.totalTokens).toBe(
      replies.apply!.usage.inputTokens! + replies.apply!.usage.outputTokens!,
    );
  });

  it('Single Customer Status: the executor updates the customer named at the start of the thread', async () => {
    const { replies, executed } = await runTemplate('single-customer-status', { customerId: 'cus_002' });
    const update = executed.find((e) => e.name === 'customer_update');
    expect(update?.args).toMatchObject({ customerId: 'cus_002' });
    expect(replies.status_analyzer_agent!.text).toMatch(/^Building on|^Taking the analysis above/);
  });

  it('Weather → What to Wear: the stylist builds on the weather report', async () => {
    const { replies } = await runTemplate('weather-outfit-chain', { location: 'Lisbon' });
    expect(replies.weather_agent!.text).toMatch(/^In Lisbon it looks/);
    const degrees = /high around (\d+) °C/.exec(replies.weather_agent!.text)![1];
    expect(replies.fashion_agent!.text).toContain(`Building on the weather described above (around ${degrees} °C)`);
  });

  it('Support Routing and Structured Extraction answers pass the runner’s schema check', async () => {
    const routed = await runTemplate('support-routing', {
      message: 'I was charged twice for my subscription this month.',
    });
    expect(JSON.parse(routed.replies.triage!.text)).toMatchObject({ department: 'billing' });
    expect(routed.replies.billing_agent!.text).toMatch(/refund/i);
    const email =
      'Hi! Please invoice ACME GmbH for 3 workshop days at 1200 EUR each and 2 hours of travel at 80 EUR. ' +
      'Due in 30 days.';
    const extracted = await runTemplate('invoice-extraction', { email });
    const schema = (
      TEMPLATES.find((t) => t.id === 'invoice-extraction')!.doc.stepsConfig[1] as unknown as {
        config: { llmNode: LlmNode };
      }
    ).config.llmNode.outputSchema!;
    expect(() => structuredAnswer(schema, extracted.replies.extract!.text)).not.toThrow();
    const lines = (JSON.parse(extracted.replies.extract!.text) as { lines: { quantity: number; unitPrice: number }[] })
      .lines;
    expect(lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0)).toBe(3760);
  });
});
