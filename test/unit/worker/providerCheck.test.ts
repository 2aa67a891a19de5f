import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderConfig } from '../../../src/llm/providers';
import { checkProvider } from '../../../src/worker/providerCheck';
import { startOpenAIServer, type OpenAIServer } from '../../support/openaiServer';

/** "Test connection" against a real local server that lists its models without a key but answers only with one. */
const KEY = 'sk-right-key-0123456789';
let server: OpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function check(entry: Partial<ProviderConfig>, key: string | undefined) {
  server = await startOpenAIServer({ apiKey: KEY, models: ['gpt-4o-mini', 'llama3.2'] });
  const provider: ProviderConfig = { id: 'p', name: 'Local', kind: 'openai-compatible', baseUrl: server.url, ...entry };
  return checkProvider({ providers: [provider] }, 'p', key);
}

describe('Test connection', () => {
  it('reports a wrong key as rejected, though the server lists its models without one', async () => {
    const result = await check({ defaultModel: 'gpt-4o-mini' }, 'sk-wrong-key-999999');
    expect(result).toEqual({ ok: false, message: 'key rejected by Local (401)' });
    expect(JSON.stringify(result)).not.toContain('sk-wrong');
  });

  it('says a server that wants a key has none, when none is saved', async () => {
    const result = await check({ defaultModel: 'gpt-4o-mini' }, undefined);
    expect(result.ok).toBe(false);
    expect(result.message).toBe('Local asks for an API key (401) and none is saved for it');
  });

  it('passes with the right key after a one-token request to the default model', async () => {
    const result = await check({ kind: 'openai', defaultModel: 'llama3.2' }, KEY);
    expect(result.ok).toBe(true);
    expect(result.message).toBe('connected to Local: the key works (a one-token request to llama3.2 answered)');
    const asked = server!.requests.find((r) => r.method === 'POST')!;
    expect(asked.path).toBe('/v1/chat/completions');
    expect(asked.authorization).toBe(`Bearer ${KEY}`);
    expect(asked.body).toMatchObject({ model: 'llama3.2', max_tokens: 1, stream: false });
  });

  it('tests with the first listed model when the entry names no default model', async () => {
    const result = await check({}, KEY);
    expect(result.ok).toBe(true);
    expect(server!.requests.find((r) => r.method === 'POST')!.body.model).toBe('gpt-4o-mini');
  });

  it('names the model when the key works but the test request is refused', async () => {
    server = await startOpenAIServer({ apiKey: KEY });
    server.script({ status: 404 });
    const provider: ProviderConfig = { id: 'p', name: 'Local', kind: 'openai-compatible', baseUrl: server.url };
    const result = await checkProvider({ providers: [{ ...provider, defaultModel: 'nope' }] }, 'p', KEY);
    expect(result).toEqual({
      ok: false,
      message: 'the key was accepted, but Local refused a one-token request to nope (404): check the default model',
    });
  });
});
