import { afterEach, describe, expect, it } from 'vitest';
import { PRICES_AS_OF } from '../../../src/llm/pricing';
import { createHarness, modelCall, round, type Harness } from './harness';

/** Every reply of a priced model carries its estimated cost and where the price came from. */
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const usage = { input: 1000, output: 500, cached: 0, reasoning: 0 };

describe('estimated cost of a round', () => {
  it('prices gpt-4o-mini on an OpenAI entry from the dated price table', async () => {
    h = await createHarness();
    h.server.script({ text: 'ok', usage });
    const reply = await h.runner(round({ provider: 'Test OpenAI', model: 'gpt-4o-mini' }), modelCall());
    expect(reply.costUsd).toBeCloseTo((1000 * 0.15 + 500 * 0.6) / 1_000_000, 12);
    expect(reply.priceSource).toEqual({ kind: 'table', asOf: PRICES_AS_OF });
  });

  it('has no cost for a model the table lacks, until a price is set for it in Settings', async () => {
    const prices: Record<string, { inputPer1M: number; outputPer1M: number }> = {};
    h = await createHarness({ prices: async () => prices });
    h.server.script({ text: 'ok', usage });
    const unpriced = await h.runner(round({ model: 'llama3.2' }), modelCall());
    expect(unpriced.costUsd).toBeUndefined();
    expect(unpriced.priceSource).toBeUndefined();
    prices['Llama3.2'] = { inputPer1M: 2, outputPer1M: 4 };
    h.server.script({ text: 'ok', usage });
    const priced = await h.runner(round({ model: 'llama3.2' }), modelCall());
    expect(priced.costUsd).toBeCloseTo((1000 * 2 + 500 * 4) / 1_000_000, 12);
    expect(priced.priceSource).toEqual({ kind: 'settings' });
  });

  it('prefers the price set in Settings over the table', async () => {
    h = await createHarness({ prices: async () => ({ 'gpt-4o-mini': { inputPer1M: 1, outputPer1M: 1 } }) });
    h.server.script({ text: 'ok', usage });
    const reply = await h.runner(round({ model: 'gpt-4o-mini' }), modelCall());
    expect(reply.costUsd).toBeCloseTo(1500 / 1_000_000, 12);
    expect(reply.priceSource).toEqual({ kind: 'settings' });
  });

  it('never prices the offline demo model', async () => {
    h = await createHarness({ prices: async () => ({ 'gpt-4o-mini': { inputPer1M: 1, outputPer1M: 1 } }) });
    h.settings.providers.length = 0;
    const reply = await h.runner(round({ model: 'gpt-4o-mini' }), modelCall());
    expect(reply.provider).toBe('demo');
    expect(reply.costUsd).toBeUndefined();
  });
});
