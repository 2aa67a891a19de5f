import type { LanguageModelV3, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { MockLanguageModelV3, simulateReadableStream } from 'ai/test';
import type { ModelCall, ModelRound } from '../../../src/engine/llmTypes';
import { createModelRunner, type ModelRunnerDeps } from '../../../src/llm/modelRunner';
import type { ProviderConfig, ProviderSettings } from '../../../src/llm/providers';
import { startOpenAIServer, type OpenAIServer } from '../../support/openaiServer';

export const TEST_KEY = 'sk-test-SECRET-0123456789abcdef';

/** A demo model that answers "demo answer" without any network, as the real one will. */
export function fakeDemoModel(modelId = 'demo-1'): LanguageModelV3 {
  const chunks: LanguageModelV3StreamPart[] = [
    { type: 'stream-start', warnings: [] },
    { type: 'text-start', id: 't' },
    { type: 'text-delta', id: 't', delta: 'demo ' },
    { type: 'text-delta', id: 't', delta: 'answer' },
    { type: 'text-end', id: 't' },
    {
      type: 'finish',
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: {
        inputTokens: { total: 3, noCache: 3, cacheRead: 0, cacheWrite: 0 },
        outputTokens: { total: 2, text: 2, reasoning: 0 },
      },
    },
  ];
  return new MockLanguageModelV3({
    provider: 'demo',
    modelId,
    doStream: async () => ({ stream: simulateReadableStream({ chunks }) }),
  });
}

export interface Harness {
  server: OpenAIServer;
  runner: ReturnType<typeof createModelRunner>;
  settings: ProviderSettings;
  keys: Map<string, string>;
  sleeps: number[];
  /** Model ids the demo slot was asked for. */
  demoIds: string[];
  clock: { now: number };
  close(): Promise<void>;
}

/** A runner over a live local server, one compatible and one OpenAI entry pointing at it. */
export async function createHarness(
  overrides: Partial<ModelRunnerDeps> & { providers?: (url: string) => ProviderConfig[] } = {},
): Promise<Harness> {
  const server = await startOpenAIServer();
  const providers = overrides.providers?.(server.url) ?? [
    { id: 'compat', name: 'Test Provider', kind: 'openai-compatible', baseUrl: server.url },
    { id: 'oai', name: 'Test OpenAI', kind: 'openai', baseUrl: server.url },
  ];
  const settings: ProviderSettings = { providers, defaultProviderId: providers[0]?.id };
  const keys = new Map(providers.map((p) => [p.id, TEST_KEY]));
  const sleeps: number[] = [];
  const demoIds: string[] = [];
  const clock = { now: 1_000_000 };
  const runner = createModelRunner({
    settings: async () => settings,
    key: async (id) => keys.get(id),
    demoModel: (id) => {
      demoIds.push(id);
      return fakeDemoModel();
    },
    now: () => clock.now,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.now += ms;
    },
    ...overrides,
  });
  return { server, runner, settings, keys, sleeps, demoIds, clock, close: () => server.close() };
}

export function round(partial: Partial<ModelRound> = {}): ModelRound {
  return {
    provider: undefined,
    model: 'test-model',
    messages: [{ role: 'user', content: 'hello there friend' }],
    tools: [],
    outputSchema: undefined,
    temperature: undefined,
    maxOutputTokens: undefined,
    providerOptions: undefined,
    ...partial,
  };
}

export function modelCall(signal: AbortSignal = new AbortController().signal): ModelCall & { deltas: string[] } {
  const deltas: string[] = [];
  return { idempotencyKey: 'run:step@0#1', attempt: 1, signal, deltas, onTextDelta: (d) => void deltas.push(d) };
}

/** The rejection of a promise, for asserting on what was thrown. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
