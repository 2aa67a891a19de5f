import { describe, expect, it } from 'vitest';
import type { ModelReply, ModelRound } from '../../../src/engine/llmTypes';
import { recordedAnswer, recordedRequestOf } from '../../../src/llm/recorded';
import { requestFingerprint } from '../../../src/schema/runBundle';
import { stepCost } from '../../../src/ui/runs/cost';

/** A recorded answer keeps the usage and estimated cost the recording noted, so a replay shows its cost. */

const round: ModelRound = {
  provider: undefined,
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Hi' }],
  tools: [],
  outputSchema: undefined,
  temperature: undefined,
  maxOutputTokens: undefined,
  providerOptions: undefined,
};

const recorded: ModelReply = {
  text: 'Hello',
  toolCalls: [],
  finishReason: 'stop',
  usage: { inputTokens: 1_000, outputTokens: 500, totalTokens: 1_500 },
  provider: 'openai',
  model: 'gpt-4o-mini',
  costUsd: 0.00045,
  priceSource: { kind: 'table', asOf: '2025-08-07' },
};

describe('a recorded answer', () => {
  it('is priced as recorded: the step shows the cost, with its price source', () => {
    const answer = recordedAnswer(new Map([[requestFingerprint(recordedRequestOf(round)), recorded]]), round)!;
    expect(answer).toMatchObject({ provider: 'recorded', usage: recorded.usage, costUsd: 0.00045 });
    expect(
      stepCost({
        provider: answer.provider,
        model: answer.model,
        costUsd: answer.costUsd,
        priceSource: answer.priceSource,
      }),
    ).toEqual({
      kind: 'priced',
      usd: 0.00045,
      source: { kind: 'table', asOf: '2025-08-07' },
    });
  });

  it("of the demo model costs nothing, as the demo model's answers did", () => {
    const demo = { ...recorded, provider: 'demo', costUsd: undefined, priceSource: undefined };
    const answer = recordedAnswer(new Map([[requestFingerprint(recordedRequestOf(round)), demo]]), round)!;
    expect(answer.costUsd).toBe(0);
  });

  it('of a model with no price known stays unpriced', () => {
    const unpriced = { ...recorded, costUsd: undefined, priceSource: undefined };
    const answer = recordedAnswer(new Map([[requestFingerprint(recordedRequestOf(round)), unpriced]]), round)!;
    expect(answer.costUsd).toBeUndefined();
    expect(stepCost({ provider: answer.provider, model: answer.model })).toEqual({
      kind: 'unpriced',
      model: 'gpt-4o-mini',
    });
  });
});
