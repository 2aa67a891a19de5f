import { createOpenAI } from '@ai-sdk/openai';
import { generateText } from 'ai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAIServer, type OpenAIServer } from '../../support/openaiServer';

let server: OpenAIServer;
beforeEach(async () => {
  server = await startOpenAIServer({ models: ['llama3.2', 'qwen2.5'] });
});
afterEach(async () => {
  await server.close();
});

describe('the test OpenAI server', () => {
  it('answers a non-streaming chat completion the SDK can read, tool calls included', async () => {
    const openai = createOpenAI({ apiKey: 'k', baseURL: server.url });
    server.script({ toolCalls: [{ name: 'lookup', args: { id: 7 } }] });
    const result = await generateText({ model: openai.chat('m'), prompt: 'hi', maxRetries: 0 });
    expect(result.toolCalls).toMatchObject([{ toolName: 'lookup', input: { id: 7 } }]);
    const echoed = await generateText({ model: openai.chat('m'), prompt: 'ping', maxRetries: 0 });
    expect(echoed.text).toBe('echo: ping');
    expect(echoed.usage.inputTokens).toBe(10);
    expect(server.requests.map((r) => r.body.stream ?? false)).toEqual([false, false]);
  });

  it('lists its models', async () => {
    const list = await (await fetch(`${server.url}/models`)).json();
    expect(list.data.map((m: { id: string }) => m.id)).toEqual(['llama3.2', 'qwen2.5']);
  });

  it('allows browser requests (CORS preflight)', async () => {
    const response = await fetch(`${server.url}/chat/completions`, { method: 'OPTIONS' });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  it('records the Authorization header of each request', async () => {
    await fetch(`${server.url}/models`, { headers: { authorization: 'Bearer abc' } });
    expect(server.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v1/models', authorization: 'Bearer abc' });
  });
});
