import { CELL_STATUSES, type CellResult, type CellStatus, type ExperimentSpec } from './experiment';

/**
 * Per-variant figures of an experiment (the results' summary row and the charts' data), pure over the
 * cells recorded so far. A cell counts towards pass rates once it is finished: a completed cell by its
 * evaluations, a failed cell as failing every check (its run gave nothing to check).
 */

export interface PassRate {
  passed: number;
  /** Finished cells this rate is over. */
  evaluated: number;
  /** passed / evaluated; null while nothing is evaluated. */
  rate: number | null;
}

export interface LatencyFigures {
  /** Completed cells with a latency. */
  count: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
}

export interface VariantSummary {
  variantId: string;
  label: string;
  cells: number;
  counts: Record<CellStatus, number>;
  /** Cells that passed every evaluator; null when the experiment has no evaluators. */
  overall: PassRate | null;
  byEvaluator: Record<string, PassRate>;
  latency: LatencyFigures | null;
  tokens: { cell: number; judge: number };
  costUsd: { cell: number; judge: number };
}

export interface LatencyBin {
  fromMs: number;
  toMs: number;
  /** Variant id → completed cells whose latency falls in this bin. */
  counts: Record<string, number>;
}

/** One summary per variant of the spec, in the spec's order (cells of unknown variants are ignored). */
export function summarizeVariants(
  spec: Pick<ExperimentSpec, 'variants' | 'evaluators'>,
  cells: readonly CellResult[],
): VariantSummary[] {
  const byVariant = new Map<string, CellResult[]>(spec.variants.map((v) => [v.id, []]));
  for (const cell of cells) byVariant.get(cell.variantId)?.push(cell);
  return spec.variants.map((variant) => summarizeOne(variant, byVariant.get(variant.id) ?? [], spec.evaluators));
}

function summarizeOne(
  variant: ExperimentSpec['variants'][number],
  cells: readonly CellResult[],
  evaluators: ExperimentSpec['evaluators'],
): VariantSummary {
  const counts = Object.fromEntries(CELL_STATUSES.map((s) => [s, 0])) as Record<CellStatus, number>;
  const tokens = { cell: 0, judge: 0 };
  const costUsd = { cell: 0, judge: 0 };
  const latencies: number[] = [];
  for (const cell of cells) {
    counts[cell.status] += 1;
    tokens.cell += cell.tokens ?? 0;
    costUsd.cell += cell.costUsd ?? 0;
    for (const evaluation of cell.evaluations ?? []) {
      tokens.judge += evaluation.tokens ?? 0;
      costUsd.judge += evaluation.costUsd ?? 0;
    }
    if (cell.status === 'completed' && isFiniteNumber(cell.latencyMs)) latencies.push(cell.latencyMs);
  }
  const byEvaluator = Object.fromEntries(evaluators.map((e) => [e.id, passRate(cells, (c) => passes(c, e.id))]));
  const overall = evaluators.length === 0 ? null : passRate(cells, (c) => passesAll(c, evaluators));
  return {
    variantId: variant.id,
    label: variant.label,
    cells: cells.length,
    counts,
    overall,
    byEvaluator,
    latency: latencyFigures(latencies),
    tokens,
    costUsd,
  };
}

/** true/false once the cell is finished and (if completed) the evaluator answered; undefined until then. */
function passes(cell: CellResult, evaluatorId: string): boolean | undefined {
  if (cell.status === 'failed') return false;
  if (cell.status !== 'completed') return undefined;
  return cell.evaluations?.find((e) => e.evaluatorId === evaluatorId)?.pass;
}

function passesAll(cell: CellResult, evaluators: ExperimentSpec['evaluators']): boolean | undefined {
  if (cell.status === 'failed') return false;
  if (cell.status !== 'completed' || cell.evaluations === undefined) return undefined;
  return evaluators.every((e) => passes(cell, e.id) === true);
}

function passRate(cells: readonly CellResult[], verdict: (cell: CellResult) => boolean | undefined): PassRate {
  let passed = 0;
  let evaluated = 0;
  for (const cell of cells) {
    // Unfinished, or completed but not yet evaluated (`evaluations` is set once every evaluator answered).
    const answer = verdict(cell);
    if (answer === undefined) continue;
    evaluated += 1;
    if (answer === true) passed += 1;
  }
  return { passed, evaluated, rate: evaluated === 0 ? null : passed / evaluated };
}

function latencyFigures(latencies: number[]): LatencyFigures | null {
  if (latencies.length === 0) return null;
  const sorted = [...latencies].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, ms) => sum + ms, 0) / sorted.length;
  return { count: sorted.length, meanMs: mean, p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95) };
}

/** Nearest-rank percentile of ascending values: the smallest value with at least p% of values at or below it. */
export function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? Number.NaN;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * Completed cells' latencies in `bins` equal-width bins from the fastest to the slowest cell of any
 * variant (one scale, so variants compare); the last bin includes its upper edge. No latencies: no bins.
 */
export function latencyHistogram(cells: readonly CellResult[], bins: number): LatencyBin[] {
  const timed = cells.filter((c) => c.status === 'completed' && isFiniteNumber(c.latencyMs));
  if (timed.length === 0) return [];
  const variantIds = [...new Set(cells.map((c) => c.variantId))];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const cell of timed) {
    min = Math.min(min, cell.latencyMs as number);
    max = Math.max(max, cell.latencyMs as number);
  }
  const count = max === min ? 1 : Math.max(1, Math.floor(bins));
  const width = (max - min) / count;
  const result: LatencyBin[] = Array.from({ length: count }, (_, i) => ({
    fromMs: min + i * width,
    toMs: i === count - 1 ? max : min + (i + 1) * width,
    counts: Object.fromEntries(variantIds.map((id) => [id, 0])),
  }));
  for (const cell of timed) {
    const index = width === 0 ? 0 : Math.min(count - 1, Math.floor(((cell.latencyMs as number) - min) / width));
    const bin = result[index]!;
    bin.counts[cell.variantId] = (bin.counts[cell.variantId] ?? 0) + 1;
  }
  return result;
}
