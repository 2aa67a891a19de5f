/** The two per-run caps a workflow (`config.limits`) or a run form may set, and how an amount of each reads. */
export type BudgetCap = 'tokens' | 'cost';

/** "$0.50" (small amounts to two significant digits: "$0.0042") or "2,000 tokens". */
export function formatCapAmount(cap: BudgetCap, amount: number): string {
  if (cap === 'tokens') return `${Math.round(amount).toLocaleString('en-US')} tokens`;
  return `$${amount < 0.01 && amount > 0 ? amount.toPrecision(2) : amount.toFixed(2)}`;
}
