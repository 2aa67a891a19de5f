import type { ModelCall, ModelReply, ModelRound, ModelRunner } from '../../src/engine/llmTypes';

/** What a fake LLM sees of a round: the step's key, the latest user message, the whole round. */
export interface FakeLlmRequest {
  key: string;
  userPrompt: string;
  round: ModelRound;
}
export type FakeLlm = (request: FakeLlmRequest, call: ModelCall) => unknown;

/** A model runner from a function of the prompt: a string answer is the text, anything else its JSON. */
export function fakeModel(answer: FakeLlm): ModelRunner {
  return async (round, call): Promise<ModelReply> => {
    const userPrompt = [...round.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const key = call.idempotencyKey.replace(/\/r\d+$/, '');
    const value = await answer({ key, userPrompt: String(userPrompt), round }, call);
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return {
      text,
      toolCalls: [],
      finishReason: 'stop',
      usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
      provider: 'test',
      model: round.model,
    };
  };
}

/** A small value that satisfies a JSON Schema (objects, arrays, enums, primitives): for fakes only. */
export function sampleFor(schema: Record<string, any>): unknown {
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(
        Object.entries((schema.properties ?? {}) as Record<string, Record<string, unknown>>).map(([k, v]) => [
          k,
          sampleFor(v),
        ]),
      );
    case 'array':
      return [sampleFor(schema.items ?? {}), sampleFor(schema.items ?? {})];
    case 'integer':
      return 2;
    case 'number':
      return 1.5;
    case 'boolean':
      return true;
    default:
      return 'text';
  }
}
