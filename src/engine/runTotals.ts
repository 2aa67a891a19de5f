import type { RunRecord, StepRecord } from './records';

/**
 * A run's model totals — tokens and estimated cost its finished rounds spent, and what budget Continues added —
 * kept on the run record and changed in the same batch as the round record that changes them (the journal calls
 * `keepRunTotals` on every put). So a resume reads them from the run, not by summing the whole journal.
 */
export type RunTotals = NonNullable<RunRecord['totals']>;

export const ZERO_TOTALS: RunTotals = Object.freeze({ tokens: 0, costUsd: 0, raisedTokens: 0, raisedCostUsd: 0 });

/** What one record adds: a completed model round its tokens and cost, a round that asked the budget its raise. */
function contribution(record: StepRecord | undefined): RunTotals | undefined {
  if (record?.kind !== 'llm-round') return undefined;
  const reply =
    record.status === 'completed'
      ? (record.output as { usage?: { totalTokens?: number }; costUsd?: number })
      : undefined;
  const raise = record.meta?.budgetRaise;
  const totals: RunTotals = {
    tokens: reply?.usage?.totalTokens ?? 0,
    costUsd: reply?.costUsd ?? 0,
    raisedTokens: raise?.cap === 'tokens' ? raise.by : 0,
    raisedCostUsd: raise?.cap === 'cost' ? raise.by : 0,
  };
  return totals.tokens || totals.costUsd || totals.raisedTokens || totals.raisedCostUsd ? totals : undefined;
}

function add(a: RunTotals, b: RunTotals, sign: 1 | -1): RunTotals {
  return {
    tokens: a.tokens + sign * b.tokens,
    costUsd: a.costUsd + sign * b.costUsd,
    raisedTokens: a.raisedTokens + sign * b.raisedTokens,
    raisedCostUsd: a.raisedCostUsd + sign * b.raisedCostUsd,
  };
}

function sameTotals(a: RunTotals, b: RunTotals): boolean {
  return (
    a.tokens === b.tokens &&
    a.costUsd === b.costUsd &&
    a.raisedTokens === b.raisedTokens &&
    a.raisedCostUsd === b.raisedCostUsd
  );
}

/** The totals of a journal read whole (in recording order): what a run without stored totals starts from. */
export function totalsOf(records: Iterable<StepRecord>): RunTotals {
  let totals = ZERO_TOTALS;
  for (const record of records) {
    const more = contribution(record);
    if (more) totals = add(totals, more, 1);
  }
  return totals;
}

/** The part of a journal `keepRunTotals` needs: its run, its records in memory, and a queued run write. */
export interface TotalsJournal {
  readonly run: RunRecord;
  readonly records: ReadonlyMap<string, StepRecord>;
  putRun(run: RunRecord): Promise<void>;
}

/**
 * Called before `record` replaces its key's record in memory: when that changes the totals, the run record is
 * queued in the same batch (a failed batch fails the record's own write, which its writer sees).
 */
export function keepRunTotals(journal: TotalsJournal, record: StepRecord): void {
  if (record.kind !== 'llm-round' || journal.run.totals === undefined) return;
  const before = contribution(journal.records.get(record.key));
  const after = contribution(record);
  if (before === after || (before && after && sameTotals(before, after))) return;
  let totals = journal.run.totals;
  if (before) totals = add(totals, before, -1);
  if (after) totals = add(totals, after, 1);
  journal.putRun({ ...journal.run, totals }).catch(() => undefined);
}
