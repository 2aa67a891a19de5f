import './budget.css';
import type { WorkflowFile } from '../../schema/workflow';

/** The run form's caps as typed: empty means "the workflow's own cap" (`config.limits`), if it has one. */
export interface BudgetDraft {
  maxTokens: string;
  maxCostUsd: string;
}

export const EMPTY_BUDGET: BudgetDraft = { maxTokens: '', maxCostUsd: '' };

/** The caps to start the run with, or what is wrong with one, naming the field. */
export function parseBudget(
  draft: BudgetDraft,
): { ok: true; budget: { maxTokens?: number; maxCostUsd?: number } | undefined } | { ok: false; error: string } {
  const budget: { maxTokens?: number; maxCostUsd?: number } = {};
  if (draft.maxTokens.trim() !== '') {
    const tokens = Number(draft.maxTokens);
    if (!Number.isInteger(tokens) || tokens < 1)
      return { ok: false, error: `Token cap: a whole number of tokens, 1 or more (not “${draft.maxTokens}”)` };
    budget.maxTokens = tokens;
  }
  if (draft.maxCostUsd.trim() !== '') {
    const cost = Number(draft.maxCostUsd);
    if (!Number.isFinite(cost) || cost <= 0)
      return { ok: false, error: `Cost cap: an amount in USD above 0, such as 0.50 (not “${draft.maxCostUsd}”)` };
    budget.maxCostUsd = cost;
  }
  return { ok: true, budget: Object.keys(budget).length > 0 ? budget : undefined };
}

/**
 * Per-run caps on tokens and estimated cost. Reaching one does not fail the run: it asks whether to go on.
 * The workflow's own caps show as the placeholders, used when a field is left empty.
 */
export function BudgetFields({
  doc,
  draft,
  onChange,
}: {
  doc: WorkflowFile;
  draft: BudgetDraft;
  onChange(draft: BudgetDraft): void;
}) {
  const limits = (doc.workflowConfig?.config as { limits?: Record<string, unknown> } | undefined)?.limits;
  const tokens = typeof limits?.maxTokensPerRun === 'number' ? String(limits.maxTokensPerRun) : 'none';
  const cost = typeof limits?.maxCostUsdPerRun === 'number' ? String(limits.maxCostUsdPerRun) : 'none';
  return (
    <fieldset className="run-budget">
      <legend>Budget for this run</legend>
      <label className="field">
        <span className="field-label">Token cap</span>
        <input
          type="number"
          step="any"
          inputMode="numeric"
          placeholder={`workflow: ${tokens}`}
          value={draft.maxTokens}
          onChange={(e) => onChange({ ...draft, maxTokens: e.target.value })}
        />
      </label>
      <label className="field">
        <span className="field-label">Cost cap (USD)</span>
        <input
          type="number"
          step="any"
          inputMode="decimal"
          placeholder={`workflow: ${cost}`}
          value={draft.maxCostUsd}
          onChange={(e) => onChange({ ...draft, maxCostUsd: e.target.value })}
        />
      </label>
      <span className="field-hint muted">
        Reaching a cap pauses the run and asks whether to continue with as much again, or stop.
      </span>
    </fieldset>
  );
}
