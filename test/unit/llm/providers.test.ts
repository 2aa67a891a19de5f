import { describe, expect, it } from 'vitest';
import {
  providerBaseUrl,
  resolveProvider,
  type ProviderConfig,
  type ProviderSettings,
} from '../../../src/llm/providers';

const ollama: ProviderConfig = {
  id: 'p-ollama',
  name: 'Ollama',
  kind: 'openai-compatible',
  baseUrl: 'http://localhost:11434/v1/',
  defaultModel: 'llama3.2',
  aliases: { 'gpt-4o-mini': 'llama3.2', 'GPT-4o': 'qwen2.5' },
};
const openai: ProviderConfig = { id: 'p-openai', name: 'OpenAI', kind: 'openai' };
const settings: ProviderSettings = { providers: [ollama, openai], defaultProviderId: 'p-openai' };
const allKeys = () => true;
const noKeys = () => false;

describe('resolveProvider', () => {
  it.each([
    [
      'names an entry by name, any case',
      'ollama',
      'mistral',
      { kind: 'configured', provider: ollama, model: 'mistral' },
    ],
    ['names an entry by id', 'p-ollama', 'mistral', { kind: 'configured', provider: ollama, model: 'mistral' }],
    [
      'no provider → the default entry',
      undefined,
      'gpt-4.1',
      { kind: 'configured', provider: openai, model: 'gpt-4.1' },
    ],
    [
      'an imported model name maps through the aliases',
      'Ollama',
      'gpt-4o-mini',
      { kind: 'configured', provider: ollama, model: 'llama3.2' },
    ],
    [
      'aliases match case-insensitively',
      'Ollama',
      'gpt-4O',
      { kind: 'configured', provider: ollama, model: 'qwen2.5' },
    ],
    ['no model → the entry default model', 'Ollama', '', { kind: 'configured', provider: ollama, model: 'llama3.2' }],
  ] as const)('%s', (_name, stepProvider, stepModel, expected) => {
    expect(resolveProvider(settings, stepProvider, stepModel, allKeys)).toEqual(expected);
  });

  it('an unknown provider name falls back to the default with a note', () => {
    expect(resolveProvider(settings, 'Groq', 'gpt-4.1', allKeys)).toEqual({
      kind: 'configured',
      provider: openai,
      model: 'gpt-4.1',
      note: 'no provider named "Groq": used the default provider "OpenAI"',
    });
  });

  it('nothing configured runs the offline demo model with a note', () => {
    expect(resolveProvider({ providers: [] }, undefined, 'gpt-4o', allKeys)).toEqual({
      kind: 'demo',
      model: 'gpt-4o',
      note: 'no provider configured: used the offline demo model',
    });
  });

  it('an OpenAI entry without a key runs the demo model, saying the key is missing', () => {
    expect(resolveProvider(settings, 'OpenAI', 'gpt-4o', noKeys)).toEqual({
      kind: 'demo',
      model: 'gpt-4o',
      note: 'the API key for "OpenAI" is missing: used the offline demo model',
    });
  });

  it('a step may ask for the demo model by name', () => {
    expect(resolveProvider(settings, 'Demo', 'gpt-4o', allKeys)).toEqual({
      kind: 'demo',
      model: 'gpt-4o',
      note: 'the step asked for the offline demo model',
    });
  });

  it('a compatible entry needs no key', () => {
    expect(resolveProvider(settings, 'Ollama', 'mistral', noKeys)).toMatchObject({
      kind: 'configured',
      provider: ollama,
    });
  });

  it('without a marked default the first entry is the default', () => {
    expect(resolveProvider({ providers: [ollama, openai] }, undefined, 'x', allKeys)).toMatchObject({
      provider: ollama,
    });
  });

  it('a compatible entry without a base URL cannot answer', () => {
    const broken: ProviderConfig = { id: 'b', name: 'Broken', kind: 'openai-compatible' };
    expect(resolveProvider({ providers: [broken] }, undefined, 'x', allKeys)).toMatchObject({
      kind: 'demo',
      note: '"Broken" has no base URL: used the offline demo model',
    });
  });

  it('both fallbacks are named when the default also cannot answer', () => {
    expect(resolveProvider(settings, 'Groq', 'gpt-4o', noKeys)).toMatchObject({
      kind: 'demo',
      note:
        'no provider named "Groq": used the default provider "OpenAI"; ' +
        'the API key for "OpenAI" is missing: used the offline demo model',
    });
  });
});

describe('providerBaseUrl', () => {
  it('defaults OpenAI to api.openai.com and drops trailing slashes', () => {
    expect(providerBaseUrl(openai)).toBe('https://api.openai.com/v1');
    expect(providerBaseUrl(ollama)).toBe('http://localhost:11434/v1');
  });
});
