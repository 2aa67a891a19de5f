import { formatCapAmount } from '../schema/budgetCaps';
import type { ParsedWorkflow } from '../schema/workflow';
import { FINISHED_RUN_STATUSES, type RunRecord, type StepError, type StepRecord, type WaitReason } from './records';
import type { StepApi } from './stepApi';
import { InputError } from './input';

/**
 * Per-run budgets: caps on tokens and estimated cost. Reaching one never fails the run: the next model
 * round waits for the user (a `budget` wait). Continue raises the cap by the run's own cap, recorded on
 * that round's record (`meta.budgetRaise`) and in the run's totals in the same commit, so the raise survives a
 * reload; Stop cancels the run as over budget.
 */

export type BudgetWait = Extract<WaitReason, { kind: 'budget' }>;
export interface BudgetAmounts {
  tokens: number;
  costUsd: number;
}

/** The answer a Continue event carries; a Stop is a cancel, never an event. */
export const BUDGET_CONTINUE = { decision: 'continue' } as const;

/** The run's caps: those of the run form, each else the workflow's `config.limits` of the same kind. */
export function runCaps(
  run: Pick<RunRecord, 'budget'>,
  workflow: Pick<ParsedWorkflow['workflowConfig'], 'config'>,
): { tokens?: number; costUsd?: number } {
  const limits = workflow.config?.limits;
  return {
    tokens: run.budget?.maxTokens ?? limits?.maxTokensPerRun,
    costUsd: run.budget?.maxCostUsd ?? limits?.maxCostUsdPerRun,
  };
}

/** What the Continues answered so far added to each cap, read from the rounds that recorded them. */
export function budgetRaises(records: Iterable<StepRecord>): BudgetAmounts {
  const raised: BudgetAmounts = { tokens: 0, costUsd: 0 };
  for (const record of records) {
    const raise = record.meta?.budgetRaise;
    if (raise?.cap === 'tokens') raised.tokens += raise.by;
    else if (raise?.cap === 'cost') raised.costUsd += raise.by;
  }
  return raised;
}

/** What the Continues added so far: the run's totals (`runTotals.ts`), else summed from the records in memory. */
export function budgetRaised(run: Pick<RunRecord, 'totals'>, records: Iterable<StepRecord>): BudgetAmounts {
  const totals = run.totals;
  return totals ? { tokens: totals.raisedTokens, costUsd: totals.raisedCostUsd } : budgetRaises(records);
}

/** The first cap the run has reached (tokens before cost), with its raised limit; none: within budget. */
export function reachedCap(
  caps: { tokens?: number; costUsd?: number },
  raised: BudgetAmounts,
  spent: BudgetAmounts,
): Omit<BudgetWait, 'kind' | 'stepKey'> | undefined {
  if (caps.tokens !== undefined && spent.tokens >= caps.tokens + raised.tokens)
    return { cap: 'tokens', limit: caps.tokens + raised.tokens, used: spent.tokens, raiseBy: caps.tokens };
  if (caps.costUsd !== undefined && spent.costUsd >= caps.costUsd + raised.costUsd)
    return { cap: 'cost', limit: caps.costUsd + raised.costUsd, used: spent.costUsd, raiseBy: caps.costUsd };
  return undefined;
}

/**
 * Before a model round spends anything: within budget it returns at once; over a cap, the round waits
 * for a Continue (durably, as an event it consumes once) and records the raise on itself. One question
 * per round: after a Continue the round runs, and the next round checks again.
 */
export async function untilWithinBudget(round: StepApi): Promise<void> {
  const caps = runCaps(round.run, round.workflow);
  if (caps.tokens === undefined && caps.costUsd === undefined) return;
  // Raises are read only when a base cap is reached: a run within its first budget never scans its journal.
  const reached = reachedCap(caps, { tokens: 0, costUsd: 0 }, round.spent())
    ? reachedCap(caps, round.budgetRaised(), round.spent())
    : undefined;
  if (!reached) return;
  const wait: BudgetWait = { kind: 'budget', stepKey: round.key, ...reached };
  const answer = await round.waitForEvent({ kind: 'budget', stepKey: round.key }, undefined, wait);
  if (answer.kind === 'timeout') return; // no deadline: cannot happen
  round.setMeta({
    budgetRaise: {
      cap: reached.cap,
      by: reached.raiseBy,
      ...(answer.event.note !== undefined ? { note: answer.event.note } : {}),
    },
  });
}

/** Why a run stopped over budget, as its error says it (the run's status is `cancelled`). */
export function overBudgetError(wait: BudgetWait, note: string | undefined): StepError {
  const used = formatCapAmount(wait.cap, wait.used);
  return {
    message: `over budget: the run reached its budget of ${formatCapAmount(wait.cap, wait.limit)} (${used} used)${
      note ? `; reason: ${note}` : ''
    }`,
    category: 'cancelled',
    retryable: false,
  };
}

/** The run's budget wait at the round `stepKey`, if it is still asking there. */
export function pendingBudgetWait(run: RunRecord | undefined, stepKey: string): BudgetWait | undefined {
  if (!run || FINISHED_RUN_STATUSES.has(run.status)) return undefined;
  return run.waits?.find((w): w is BudgetWait => w.kind === 'budget' && w.stepKey === stepKey);
}

/** A run form's caps, checked as the run starts: a cap is a positive number (tokens: a whole one). */
export function checkBudgetCaps(budget: NonNullable<RunRecord['budget']>): NonNullable<RunRecord['budget']> {
  const { maxTokens, maxCostUsd } = budget;
  if (maxTokens !== undefined && !(Number.isInteger(maxTokens) && maxTokens >= 1))
    throw new InputError(`budget.maxTokens: a whole number of tokens, 1 or more (got ${String(maxTokens)})`);
  if (maxCostUsd !== undefined && !(Number.isFinite(maxCostUsd) && maxCostUsd > 0))
    throw new InputError(`budget.maxCostUsd: an amount in USD above 0 (got ${String(maxCostUsd)})`);
  return {
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(maxCostUsd !== undefined ? { maxCostUsd } : {}),
  };
}
