import { validateJsonSchema } from '../../../src/schema/jsonSchemaValidator';
import type { JSONSchema7 } from '@ai-sdk/provider';
import { generateText, jsonSchema, stepCountIs, streamText, tool, type ModelMessage, type ToolSet } from 'ai';
import { describe, expect, it } from 'vitest';
import { createDemoModel } from '../../../src/llm/demo';
import { DEMO_CUSTOMERS } from '../../../src/store/demoData';

const SEARCH_SCHEMA: JSONSchema7 = {
  type: 'object',
  properties: { customerId: { type: 'string' } },
  required: ['customerId'],
  additionalProperties: false,
};

const UPDATE_SCHEMA: JSONSchema7 = {
  type: 'object',
  properties: { customerId: { type: 'string' }, status: { type: 'string', enum: ['active', 'at_risk', 'churned'] } },
  required: ['customerId', 'status'],
  additionalProperties: false,
};

/** The customer tools over the demo customers, like the app's, recording every execution. */
function createCustomerTools() {
  const executed: { toolName: string; input: unknown }[] = [];
  const find = (id: string) => DEMO_CUSTOMERS.find((c) => c.id === id);
  const tools = {
    customer_search: tool({
      description: 'Find a customer by id',
      inputSchema: jsonSchema<{ customerId: string }>(SEARCH_SCHEMA),
      execute: async (input) => {
        executed.push({ toolName: 'customer_search', input });
        return find(input.customerId) ?? { error: 'not found' };
      },
    }),
    customer_update: tool({
      description: "Set a customer's status",
      inputSchema: jsonSchema<{ customerId: string; status: string }>(UPDATE_SCHEMA),
      execute: async (input) => {
        executed.push({ toolName: 'customer_update', input });
        return { ...find(input.customerId), status: input.status, updated: true };
      },
    }),
  } satisfies ToolSet;
  return { tools, executed };
}

function createTestModel() {
  return createDemoModel({ sleep: async () => {} });
}

/** One model round, as the engine runs it: the SDK never loops on its own. */
async function oneRound(messages: ModelMessage[], tools: ToolSet) {
  return generateText({
    model: createTestModel(),
    messages,
    tools,
    stopWhen: stepCountIs(1),
    allowSystemInMessages: true,
  });
}

describe('tool calls', () => {
  it('a request naming customer_search calls it with the customer id from the message', async () => {
    const { tools } = createCustomerTools();
    const result = await oneRound(
      [{ role: 'user', content: 'Look up customer cus_002 with customer_search and propose a status.' }],
      tools,
    );
    expect(result.toolCalls).toEqual([
      expect.objectContaining({ toolName: 'customer_search', input: { customerId: 'cus_002' } }),
    ]);
    expect(result.text).toBe('');
    expect(result.finishReason).toBe('tool-calls');
  });

  it('after the tool result it answers in text that summarises the result, calling the tool once', async () => {
    const { tools, executed } = createCustomerTools();
    const result = await generateText({
      model: createTestModel(),
      prompt: 'Look up customer cus_002 with customer_search and propose a status.',
      tools,
      stopWhen: stepCountIs(5),
    });
    expect(result.steps).toHaveLength(2);
    expect(executed).toEqual([{ toolName: 'customer_search', input: { customerId: 'cus_002' } }]);
    expect(result.text).toContain('Grace Hopper (cus_002)');
    expect(result.text).toMatch(/open tickets 3/);
    expect(result.text).toMatch(/I recommend setting Grace Hopper \(cus_002\) to at_risk\./);
  });

  it('a tool named in the system prompt is called', async () => {
    const { tools } = createCustomerTools();
    const result = await oneRound(
      [
        { role: 'system', content: 'Always fetch the record with customer_search before answering.' },
        { role: 'user', content: 'How is cus_005 doing?' },
      ],
      tools,
    );
    expect(result.toolCalls.map((c) => [c.toolName, c.input])).toEqual([
      ['customer_search', { customerId: 'cus_005' }],
    ]);
  });

  it('tools offered but not named get a text answer', async () => {
    const { tools } = createCustomerTools();
    const result = await oneRound([{ role: 'user', content: 'Gather all data for customer ID: cus_002' }], tools);
    expect(result.toolCalls).toEqual([]);
    expect(result.text).toContain('cus_002');
  });

  it('toolChoice "none" answers in text and a forced tool is called even if not named', async () => {
    const { tools } = createCustomerTools();
    const messages: ModelMessage[] = [{ role: 'user', content: 'Use customer_search for cus_001.' }];
    const none = await generateText({ model: createTestModel(), messages, tools, toolChoice: 'none' });
    expect(none.toolCalls).toEqual([]);
    const forced = await generateText({
      model: createTestModel(),
      messages: [{ role: 'user', content: 'Tell me about cus_006.' }],
      tools,
      toolChoice: { type: 'tool', toolName: 'customer_search' },
      stopWhen: stepCountIs(1),
    });
    expect(forced.toolCalls.map((c) => c.input)).toEqual([{ customerId: 'cus_006' }]);
  });

  it('a tool result given as JSON text or as an error is read back into the answer', async () => {
    const call = {
      type: 'tool-call' as const,
      toolCallId: 'c1',
      toolName: 'customer_search',
      input: { customerId: 'cus_004' },
    };
    const ask = (output: { type: 'text' | 'error-text'; value: string }) =>
      oneRound(
        [
          { role: 'user', content: 'Look up cus_004 with customer_search.' },
          { role: 'assistant', content: [call] },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'customer_search', output }] },
        ],
        createCustomerTools().tools,
      );
    const found = await ask({ type: 'text', value: JSON.stringify(DEMO_CUSTOMERS[3]) });
    expect(found.toolCalls).toEqual([]);
    expect(found.text).toContain('customer_search returned Katherine Johnson (cus_004)');
    const failed = await ask({ type: 'error-text', value: 'database is locked' });
    expect(failed.text).toContain('customer_search reported a problem: "database is locked"');
  });

  it('streams a tool call as tool-input parts, then the call, then finish with reason tool-calls', async () => {
    const { tools } = createCustomerTools();
    const result = streamText({
      model: createTestModel(),
      prompt: 'Look up customer cus_003 with customer_search.',
      tools,
      stopWhen: stepCountIs(1),
    });
    const types: string[] = [];
    for await (const part of result.fullStream) types.push(part.type);
    expect(types.filter((t) => t.startsWith('tool-'))).toEqual([
      'tool-input-start',
      'tool-input-delta',
      'tool-input-end',
      'tool-call',
      'tool-result',
    ]);
    expect(await result.finishReason).toBe('tool-calls');
    expect((await result.usage).outputTokens).toBeGreaterThan(0);
  });
});

describe('customer_update arguments', () => {
  const thread = (argument: string, request: string): ModelMessage[] => [
    { role: 'user', content: 'Gather all data for customer ID: cus_004' },
    { role: 'assistant', content: 'Katherine Johnson (cus_004) is on the enterprise plan with status active.' },
    {
      role: 'user',
      content: 'Based on the customer data from the Data Collector Agent, analyze and determine status.',
    },
    { role: 'assistant', content: argument },
    { role: 'user', content: request },
  ];
  const request = 'Based on the previous analysis, execute the database update using customer_update tool.';

  it.each(['active', 'at_risk', 'churned'])('takes the status the previous agent argued for: %s', async (status) => {
    const { tools } = createCustomerTools();
    const result = await oneRound(
      thread(`Usage is changing, so I recommend setting cus_004 to ${status}.`, request),
      tools,
    );
    expect(result.toolCalls.map((c) => c.input)).toEqual([{ customerId: 'cus_004', status }]);
  });

  it('a status named in the request wins over the earlier argument', async () => {
    const { tools } = createCustomerTools();
    const result = await oneRound(
      thread('I recommend setting cus_004 to at_risk.', 'Set it to churned with customer_update.'),
      tools,
    );
    expect(result.toolCalls.map((c) => c.input)).toEqual([{ customerId: 'cus_004', status: 'churned' }]);
  });

  it('with nothing argued, still sends arguments valid against the schema', async () => {
    const { tools } = createCustomerTools();
    const result = await oneRound([{ role: 'user', content: 'Update cus_001 with customer_update.' }], tools);
    const input = result.toolCalls[0]?.input;
    expect(validateJsonSchema(UPDATE_SCHEMA, input).valid).toBe(true);
    expect(input).toMatchObject({ customerId: 'cus_001' });
  });
});

describe('a multi-agent run in one shared thread', () => {
  it('the proposer looks up the customer, then the apply agent updates it with the proposed status', async () => {
    const { tools, executed } = createCustomerTools();
    const thread: ModelMessage[] = [];
    const agent = async (system: string, user: string, offered: (keyof typeof tools)[]) => {
      thread.push({ role: 'system', content: system }, { role: 'user', content: user });
      const result = await generateText({
        model: createTestModel(),
        messages: thread,
        tools: Object.fromEntries(offered.map((name) => [name, tools[name]])),
        stopWhen: stepCountIs(5),
        allowSystemInMessages: true,
      });
      thread.push(...result.response.messages);
      return result;
    };
    const proposal = await agent(
      'You review a customer and propose a new status.',
      'Look up customer cus_006 with customer_search and propose a status.',
      ['customer_search'],
    );
    expect(proposal.text).toMatch(/I recommend setting Barbara Liskov \(cus_006\) to at_risk\./);
    const applied = await agent(
      'You apply approved changes exactly as proposed.',
      'The change was approved. Update customer cus_006 with customer_update.',
      ['customer_update'],
    );
    expect(executed.map((e) => e.input)).toEqual([
      { customerId: 'cus_006' },
      { customerId: 'cus_006', status: 'at_risk' },
    ]);
    expect(applied.text).toContain('its status is now at_risk');
  });
});
