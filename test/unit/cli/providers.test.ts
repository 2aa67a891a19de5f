import { afterEach, describe, expect, it } from 'vitest';
import { chooseModelProvider, providersFromEnv } from '../../../src/cli/environment';
import { startOpenAIServer, type OpenAIServer } from '../../support/openaiServer';
import { chain, llm } from '../../support/flows';
import { jsonFile, tabflow } from './harness';

const servers: OpenAIServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('tabflow run: providers come from the environment, by name', () => {
  it('nothing set: the demo model; a key or a base URL: that provider, the default one as chosen', () => {
    expect(providersFromEnv({}, undefined).settings.providers).toEqual([]);
    const openai = providersFromEnv({ OPENAI_API_KEY: 'k' }, undefined);
    expect(openai.settings).toMatchObject({ defaultProviderId: 'openai', providers: [{ kind: 'openai' }] });
    expect(openai.keyVariables).toEqual({ openai: 'OPENAI_API_KEY' });
    const both = { OPENAI_API_KEY: 'k', TABFLOW_BASE_URL: 'http://127.0.0.1:11434/v1', TABFLOW_API_KEY: 't' };
    const local = providersFromEnv(both, undefined);
    expect(local.settings.defaultProviderId).toBe('openai-compatible');
    // Each entry reads its own key: OpenAI's is never sent to the other server.
    expect(local.keyVariables).toEqual({ openai: 'OPENAI_API_KEY', 'openai-compatible': 'TABFLOW_API_KEY' });
    expect(providersFromEnv(both, 'openai').settings.defaultProviderId).toBe('openai');
    expect(providersFromEnv(both, 'demo').settings.providers).toEqual([]);
  });

  it('a wrong choice is named by its variable, never by a key', () => {
    const env = { OPENAI_API_KEY: 'sk-very-secret', TABFLOW_MODEL_PROVIDER: 'anthropic' };
    const chosen = chooseModelProvider(env, undefined);
    expect(chosen).toEqual({
      ok: false,
      message: 'TABFLOW_MODEL_PROVIDER must be one of demo, openai, openai-compatible (got "anthropic")',
    });
    expect(chooseModelProvider(env, 'demo')).toEqual({ ok: true, choice: 'demo' });
    expect(chooseModelProvider({}, 'openai-compatible')).toMatchObject({ message: /TABFLOW_BASE_URL is not set/ });
  });

  it.each([
    ['an OpenAI-compatible server (Chat Completions)', 'TABFLOW_BASE_URL', '/v1/chat/completions'],
    ['OpenAI moved by OPENAI_BASE_URL (Responses API)', 'OPENAI_API_KEY', '/v1/responses'],
  ])('a model step is answered by %s, with the key from the environment', async (_what, keyed, path) => {
    const key = 'sk-local-test-key';
    const server = await startOpenAIServer({ apiKey: key });
    servers.push(server);
    server.script({ text: 'Hello from the configured provider' });
    const env: Record<string, string> =
      keyed === 'TABFLOW_BASE_URL'
        ? { TABFLOW_BASE_URL: server.url, TABFLOW_API_KEY: key }
        : { OPENAI_API_KEY: key, OPENAI_BASE_URL: server.url };
    const doc = chain('Ask', [llm('ask', 'Say hello to {{input.value}}')]);
    const result = await tabflow(['run', jsonFile(doc), '--input', '{"value":"Ada"}', '--json'], env);
    expect(result.code, result.stdout).toBe(0);
    expect(JSON.parse(result.stdout.trimEnd().split('\n').at(-1)!)).toMatchObject({
      type: 'finished',
      output: 'Hello from the configured provider',
    });
    expect(server.requests.map((r) => r.path)).toContain(path);
    expect(server.requests.find((r) => r.path === path)?.authorization).toBe(`Bearer ${key}`);
    expect(result.stdout).not.toContain(key);
  });
});
