import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatMessage, ToolSpec } from '../../../src/engine/llmTypes';
import { createHarness, modelCall, round, TEST_KEY, type Harness } from './harness';

const weatherTool: ToolSpec = {
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
    additionalProperties: false,
  },
};

const answerSchema = {
  type: 'object',
  properties: { label: { type: 'string', enum: ['bug', 'question'] }, score: { type: 'number' } },
  required: ['label', 'score'],
  additionalProperties: false,
};

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

describe('streaming text', () => {
  it('arrives in several deltas whose concatenation is the reply text', async () => {
    const call = modelCall();
    const reply = await h.runner(round(), call);
    expect(call.deltas.length).toBeGreaterThan(1);
    expect(reply.text).toBe('echo: hello there friend');
    expect(call.deltas.join('')).toBe(reply.text);
    expect(reply).toMatchObject({
      finishReason: 'stop',
      provider: 'Test Provider',
      model: 'test-model',
      toolCalls: [],
    });
    expect(reply.note).toBeUndefined();
  });

  it('reports usage with input, output, cached, reasoning and total tokens', async () => {
    h.server.script({ text: 'ok', usage: { input: 120, output: 30, cached: 100, reasoning: 12 } });
    const reply = await h.runner(round(), modelCall());
    expect(reply.usage).toEqual({
      inputTokens: 120,
      outputTokens: 30,
      cachedInputTokens: 100,
      reasoningTokens: 12,
      totalTokens: 150,
    });
  });

  it('sends the key, the model, temperature and max output tokens on the wire', async () => {
    await h.runner(round({ temperature: 0.2, maxOutputTokens: 64 }), modelCall());
    const request = h.server.requests.at(-1)!;
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.authorization).toBe(`Bearer ${TEST_KEY}`);
    expect(request.body).toMatchObject({ model: 'test-model', temperature: 0.2, max_tokens: 64, stream: true });
  });

  it('streams over the Responses API for an OpenAI entry, with store: false', async () => {
    const call = modelCall();
    const reply = await h.runner(round({ provider: 'Test OpenAI', model: 'gpt-4o-mini' }), call);
    const request = h.server.requests.at(-1)!;
    expect(request.path).toBe('/v1/responses');
    expect(request.body.store).toBe(false);
    expect(call.deltas.length).toBeGreaterThan(1);
    expect(reply).toMatchObject({ text: 'echo: hello there friend', provider: 'Test OpenAI', model: 'gpt-4o-mini' });
  });

  it('keeps store: false even when the step asks OpenAI to store', async () => {
    await h.runner(round({ provider: 'oai', providerOptions: { openai: { store: true, user: 'u1' } } }), modelCall());
    expect(h.server.requests.at(-1)!.body).toMatchObject({ store: false, user: 'u1' });
  });

  it('sends no Authorization header to a keyless compatible server', async () => {
    h.keys.delete('compat');
    await h.runner(round(), modelCall());
    expect(h.server.requests.at(-1)!.authorization).toBeUndefined();
  });
});

describe('tool calls', () => {
  it.each([
    ['chat completions', 'Test Provider'],
    ['responses', 'Test OpenAI'],
  ])('come back as toolCalls with parsed args (%s)', async (_api, provider) => {
    h.server.script({
      toolCalls: [
        { name: 'get_weather', args: { city: 'Oslo' } },
        { name: 'get_weather', args: { city: 'Lima' } },
      ],
    });
    const reply = await h.runner(round({ provider, tools: [weatherTool] }), modelCall());
    expect(reply.finishReason).toBe('tool-calls');
    expect(reply.toolCalls).toEqual([
      { id: expect.any(String), name: 'get_weather', args: { city: 'Oslo' } },
      { id: expect.any(String), name: 'get_weather', args: { city: 'Lima' } },
    ]);
    expect(new Set(reply.toolCalls.map((c) => c.id)).size).toBe(2);
  });

  it('offers the tools with their JSON Schema and no SDK-side execution', async () => {
    h.server.script({ text: 'no tool needed' });
    await h.runner(round({ tools: [weatherTool] }), modelCall());
    const body = h.server.requests.at(-1)!.body;
    expect(body.tools).toEqual(
      [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Current weather for a city',
            parameters: weatherTool.parameters,
            strict: undefined,
          },
        },
      ].map((t) => JSON.parse(JSON.stringify(t))),
    );
  });

  it('round-trips the assistant tool call and the tool result in chat wire format', async () => {
    h.server.script({ toolCalls: [{ name: 'get_weather', args: { city: 'Oslo' } }] }, { text: 'It is sunny in Oslo.' });
    const first = await h.runner(round({ tools: [weatherTool] }), modelCall());
    const call = first.toolCalls[0]!;
    const thread: ChatMessage[] = [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Weather in Oslo?' },
      { role: 'assistant', content: '', toolCalls: first.toolCalls },
      { role: 'tool', toolCallId: call.id, toolName: 'get_weather', result: { tempC: 21, sky: 'sunny' } },
    ];
    const second = await h.runner(round({ tools: [weatherTool], messages: thread }), modelCall());
    expect(second.text).toBe('It is sunny in Oslo.');
    const messages = h.server.requests.at(-1)!.body.messages;
    expect(messages).toEqual([
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Weather in Oslo?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: call.id, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
        ],
      },
      { role: 'tool', tool_call_id: call.id, content: '{"tempC":21,"sky":"sunny"}' },
    ]);
  });

  it('round-trips the tool call and its output as Responses API items', async () => {
    h.server.script({ toolCalls: [{ name: 'get_weather', args: { city: 'Oslo' } }] }, { text: 'Sunny.' });
    const first = await h.runner(round({ provider: 'oai', tools: [weatherTool] }), modelCall());
    const call = first.toolCalls[0]!;
    const thread: ChatMessage[] = [
      { role: 'user', content: 'Weather in Oslo?' },
      { role: 'assistant', content: '', toolCalls: first.toolCalls },
      { role: 'tool', toolCallId: call.id, toolName: 'get_weather', result: 'sunny, 21 °C' },
    ];
    await h.runner(round({ provider: 'oai', tools: [weatherTool], messages: thread }), modelCall());
    const input = h.server.requests.at(-1)!.body.input;
    expect(input).toEqual([
      { role: 'user', content: [{ type: 'input_text', text: 'Weather in Oslo?' }] },
      { type: 'function_call', call_id: call.id, name: 'get_weather', arguments: '{"city":"Oslo"}' },
      { type: 'function_call_output', call_id: call.id, output: 'sunny, 21 °C' },
    ]);
  });
});

describe('structured output', () => {
  it('asks for the schema and returns JSON text valid for it', async () => {
    h.server.script({ json: { label: 'bug', score: 0.9 } });
    const reply = await h.runner(round({ outputSchema: answerSchema }), modelCall());
    expect(JSON.parse(reply.text)).toEqual({ label: 'bug', score: 0.9 });
    const format = h.server.requests.at(-1)!.body.response_format;
    expect(format).toMatchObject({ type: 'json_schema', json_schema: { schema: answerSchema, strict: true } });
  });

  it('asks non-strict for a schema strict mode would reject, and still checks it', async () => {
    const loose = { type: 'object', properties: { label: { type: 'string' } }, required: ['label'] };
    h.server.script({ json: { label: 'x' } });
    await h.runner(round({ outputSchema: loose }), modelCall());
    expect(h.server.requests.at(-1)!.body.response_format.json_schema.strict).toBe(false);
  });

  it('sends the schema as text.format over the Responses API', async () => {
    h.server.script({ json: { label: 'question', score: 1 } });
    const reply = await h.runner(round({ provider: 'oai', outputSchema: answerSchema }), modelCall());
    expect(JSON.parse(reply.text)).toEqual({ label: 'question', score: 1 });
    expect(h.server.requests.at(-1)!.body.text.format).toMatchObject({
      type: 'json_schema',
      strict: true,
      schema: answerSchema,
    });
  });

  it('leaves the output-schema check to the engine: an answer that breaks the schema comes back as it is', async () => {
    h.server.script({ text: 'Sure! The label is bug.' });
    const reply = await h.runner(round({ outputSchema: answerSchema }), modelCall());
    expect(reply.text).toBe('Sure! The label is bug.');
  });

  it('does not check the schema while the model is still calling tools', async () => {
    h.server.script({ toolCalls: [{ name: 'get_weather', args: { city: 'Oslo' } }] });
    const reply = await h.runner(round({ tools: [weatherTool], outputSchema: answerSchema }), modelCall());
    expect(reply.toolCalls).toHaveLength(1);
  });
});

describe('provider choice', () => {
  it('maps the step model through the entry aliases', async () => {
    h.settings.providers[0]!.aliases = { 'gpt-4o-mini': 'llama3.2' };
    const reply = await h.runner(round({ model: 'gpt-4o-mini' }), modelCall());
    expect(h.server.requests.at(-1)!.body.model).toBe('llama3.2');
    expect(reply.model).toBe('llama3.2');
  });

  it('falls back to the default provider with a note when the named one does not exist', async () => {
    const reply = await h.runner(round({ provider: 'nowhere' }), modelCall());
    expect(reply.provider).toBe('Test Provider');
    expect(reply.note).toBe('no provider named "nowhere": used the default provider "Test Provider"');
  });

  it('answers with the demo model, offline, when no provider is configured', async () => {
    h.settings.providers.length = 0;
    const call = modelCall();
    const reply = await h.runner(round({ model: 'gpt-4o-mini' }), call);
    expect(reply).toMatchObject({
      text: 'demo answer',
      provider: 'demo',
      model: 'demo-1',
      note: 'no provider configured: used the offline demo model',
    });
    expect(call.deltas).toEqual(['demo ', 'answer']);
    expect(reply.usage).toMatchObject({ inputTokens: 3, outputTokens: 2 });
    expect(h.demoIds).toEqual(['gpt-4o-mini']);
    expect(h.server.requests).toHaveLength(0);
  });

  it('answers with the demo model when the OpenAI entry has no key', async () => {
    h.keys.delete('oai');
    const reply = await h.runner(round({ provider: 'oai' }), modelCall());
    expect(reply.provider).toBe('demo');
    expect(reply.note).toBe('the API key for "Test OpenAI" is missing: used the offline demo model');
    expect(h.server.requests).toHaveLength(0);
  });
});

describe('requests per minute', () => {
  it('waits for the oldest request to leave the 60 s window', async () => {
    h.settings.providers[0]!.requestsPerMinute = 2;
    await h.runner(round(), modelCall());
    h.clock.now += 10_000;
    await h.runner(round(), modelCall());
    expect(h.sleeps).toEqual([]);
    await h.runner(round(), modelCall());
    expect(h.sleeps).toEqual([50_000]);
    expect(h.server.requests).toHaveLength(3);
  });

  it('counts each provider separately', async () => {
    h.settings.providers[0]!.requestsPerMinute = 1;
    await h.runner(round(), modelCall());
    await h.runner(round({ provider: 'oai' }), modelCall());
    expect(h.sleeps).toEqual([]);
  });
});
