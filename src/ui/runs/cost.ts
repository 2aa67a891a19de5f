import type { StepMeta, StepRecord } from '../../engine/records';

/** What an LLM step's record says about its cost, as the run view words it. */
export type StepCost =
  | { kind: 'priced'; usd: number; source: PriceSource | undefined }
  | { kind: 'demo' }
  | { kind: 'unpriced'; model: string };

export type PriceSource = NonNullable<StepMeta['priceSource']>;

export function stepCost(meta: StepMeta): StepCost {
  if (meta.provider === 'demo') return { kind: 'demo' };
  if (meta.costUsd !== undefined) return { kind: 'priced', usd: meta.costUsd, source: meta.priceSource };
  return { kind: 'unpriced', model: meta.model ?? 'this model' };
}

/** "$0.0123"; a small cost keeps two significant digits ("$0.000012"), one too small for that is "<$0.00000001". */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  if (usd >= 0.01) return `$${usd.toFixed(4)}`;
  const decimals = 1 - Math.floor(Math.log10(usd));
  return decimals > MAX_DECIMALS ? `<$${(10 ** -MAX_DECIMALS).toFixed(MAX_DECIMALS)}` : `$${usd.toFixed(decimals)}`;
}
const MAX_DECIMALS = 8;

/** "OpenAI list prices of 2025-08-07" / "your price from Settings" (a record may predate dated prices). */
export function describePriceSource(source: PriceSource | undefined): string {
  if (!source) return 'undated prices';
  return source.kind === 'table' ? `OpenAI list prices of ${source.asOf}` : 'your price from Settings';
}

/** One line for a step: "≈ $0.0012 (estimate, OpenAI list prices of 2025-08-07)", or why there is none. */
export function describeStepCost(cost: StepCost): string {
  switch (cost.kind) {
    case 'priced':
      return `≈ ${formatUsd(cost.usd)} (estimate, ${describePriceSource(cost.source)})`;
    case 'demo':
      return 'free (offline demo model)';
    case 'unpriced':
      return `no price known for ${cost.model} (set one in Settings → Model prices)`;
  }
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  cachedInputTokens: number;
  totalTokens: number;
}

/** A run's totals over its LLM steps (top-level records only: each step already sums its rounds). */
export interface RunTotals {
  llmSteps: number;
  usage: Usage;
  /** Summed over the priced steps; undefined when none was priced. */
  usd: number | undefined;
  sources: Array<PriceSource | undefined>;
  unpricedModels: string[];
}

export function runTotals(steps: readonly StepRecord[]): RunTotals {
  const usage: Usage = { inputTokens: 0, outputTokens: 0, reasoningTokens: 0, cachedInputTokens: 0, totalTokens: 0 };
  const totals: RunTotals = { llmSteps: 0, usage, usd: undefined, sources: [], unpricedModels: [] };
  for (const step of steps) {
    if (step.stepType !== 'llm' || step.parentKey !== undefined || !step.meta?.usage) continue;
    totals.llmSteps++;
    for (const field of Object.keys(usage) as Array<keyof Usage>) usage[field] += step.meta.usage[field] ?? 0;
    const cost = stepCost(step.meta);
    if (cost.kind === 'priced') {
      totals.usd = (totals.usd ?? 0) + cost.usd;
      if (!totals.sources.some((s) => describePriceSource(s) === describePriceSource(cost.source)))
        totals.sources.push(cost.source);
    } else if (cost.kind === 'unpriced' && !totals.unpricedModels.includes(cost.model)) {
      totals.unpricedModels.push(cost.model);
    }
  }
  return totals;
}

/** "≈ $0.0123 (estimate, …)" for a run, naming the models without a price. */
export function describeRunCost(totals: RunTotals): string | undefined {
  if (totals.llmSteps === 0) return undefined;
  const parts: string[] = [];
  if (totals.usd !== undefined)
    parts.push(`≈ ${formatUsd(totals.usd)} (estimate, ${totals.sources.map(describePriceSource).join('; ')})`);
  if (totals.unpricedModels.length > 0) parts.push(`no price known for ${totals.unpricedModels.join(', ')}`);
  if (parts.length === 0) parts.push('free (offline demo model)');
  return parts.join(' · ');
}
