import { describe, expect, it } from 'vitest';
import { estimateCost, PRICES_AS_OF } from '../../../src/llm/pricing';

describe('estimateCost', () => {
  it('prices input, cached input and output tokens per 1M, dated', () => {
    // gpt-4o-mini: 0.15 in, 0.075 cached, 0.60 out per 1M.
    const cost = estimateCost('gpt-4o-mini', {
      inputTokens: 1_000_000,
      cachedInputTokens: 400_000,
      outputTokens: 500_000,
    });
    expect(cost?.usd).toBeCloseTo(0.6 * 0.15 + 0.4 * 0.075 + 0.5 * 0.6, 10);
    expect(cost?.source).toEqual({ kind: 'table', asOf: PRICES_AS_OF });
  });

  it('prices a dated snapshot and a router-prefixed name as the model', () => {
    const usage = { inputTokens: 1000, outputTokens: 1000 };
    expect(estimateCost('gpt-4.1-2025-04-14', usage)).toEqual(estimateCost('gpt-4.1', usage));
    expect(estimateCost('openai/gpt-4.1', usage)).toEqual(estimateCost('gpt-4.1', usage));
  });

  it('is undefined for an unknown model or a reply without token counts', () => {
    expect(estimateCost('llama3.2', { inputTokens: 10, outputTokens: 10 })).toBeUndefined();
    expect(estimateCost('gpt-4o', {})).toBeUndefined();
  });
});
