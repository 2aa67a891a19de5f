import type { PriceSource, Usage } from '../engine/llmTypes';

/** The date the prices below were read from openai.com/api/pricing (standard tier, text tokens). */
export const PRICES_AS_OF = '2025-08-07';

interface Price {
  /** USD per 1M tokens. */
  input: number;
  cachedInput: number;
  output: number;
}

/** A price the user set in Settings for a model, USD per 1M tokens (the `modelPrices` setting). */
export interface ModelPrice {
  inputPer1M: number;
  outputPer1M: number;
}

/** Only models whose price is known; anything else shows tokens without a cost. */
const PRICES_USD_PER_1M: Record<string, Price> = {
  'gpt-5': { input: 1.25, cachedInput: 0.125, output: 10 },
  'gpt-5-mini': { input: 0.25, cachedInput: 0.025, output: 2 },
  'gpt-5-nano': { input: 0.05, cachedInput: 0.005, output: 0.4 },
  'gpt-4.1': { input: 2, cachedInput: 0.5, output: 8 },
  'gpt-4.1-mini': { input: 0.4, cachedInput: 0.1, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, cachedInput: 0.025, output: 0.4 },
  'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 },
  'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 },
  o1: { input: 15, cachedInput: 7.5, output: 60 },
  o3: { input: 2, cachedInput: 0.5, output: 8 },
  'o3-mini': { input: 1.1, cachedInput: 0.55, output: 4.4 },
  'o4-mini': { input: 1.1, cachedInput: 0.275, output: 4.4 },
};

/** `openai/gpt-4o-mini-2024-07-18` → `gpt-4o-mini`: a router prefix and a dated snapshot price as the model. */
function priceKey(model: string): string {
  const bare = model
    .trim()
    .toLowerCase()
    .replace(/^openai\//, '');
  return bare.replace(/-\d{4}-\d{2}-\d{2}$/, '');
}

/** The user's price for `model`: its exact name first, then case-insensitive, then as the table would read it. */
function customPrice(model: string, prices: Readonly<Record<string, ModelPrice>>): Price | undefined {
  const wanted = [model.trim().toLowerCase(), priceKey(model)];
  const entries = Object.entries(prices);
  const found =
    prices[model] ??
    wanted.map((name) => entries.find(([key]) => key.trim().toLowerCase() === name)?.[1]).find(Boolean);
  return found && { input: found.inputPer1M, cachedInput: found.inputPer1M, output: found.outputPer1M };
}

/**
 * Estimated cost of one round in USD, from the user's price for the model (Settings) or else the dated
 * table. Cached input tokens are billed at the cached rate; reasoning tokens are already part of the
 * output tokens. Undefined for a model with no price or a reply without token counts.
 */
export function estimateCost(
  model: string,
  usage: Usage,
  prices: Readonly<Record<string, ModelPrice>> = {},
): { usd: number; source: PriceSource } | undefined {
  const custom = customPrice(model, prices);
  const price = custom ?? PRICES_USD_PER_1M[priceKey(model)];
  if (!price || (usage.inputTokens === undefined && usage.outputTokens === undefined)) return undefined;
  const input = usage.inputTokens ?? 0;
  const cached = Math.min(usage.cachedInputTokens ?? 0, input);
  const output = usage.outputTokens ?? 0;
  const usd = ((input - cached) * price.input + cached * price.cachedInput + output * price.output) / 1_000_000;
  return { usd, source: custom ? { kind: 'settings' } : { kind: 'table', asOf: PRICES_AS_OF } };
}
