import type { LatencyBin, VariantSummary } from '../../../schema/experimentSummary';

/**
 * What each experiment chart draws and the table of its numbers (its text alternative), from the
 * per-variant summary. Pure: the canvas (`ChartCanvas`, lazy) draws a `ChartSpec`, the table shows `table`.
 */

/** Colours of the series, in variant order: custom properties set in charts.css from styles.css's palette. */
export const SERIES_COLOURS = [1, 2, 3, 4, 5, 6].map((n) => `--chart-series-${n}`);

export interface ChartSeries {
  label: string;
  /** One value per x position; null = nothing to draw there. */
  values: (number | null)[];
  /** A custom property name per bar (bars) or one for the whole series (steps). */
  colours: string[];
}

export interface ChartSpec {
  kind: 'bars' | 'steps';
  /** x positions: 0..n-1 for bars (one per variant), bin starts for steps. */
  x: number[];
  /** What an x tick reads (bars: the variant's label). */
  xLabels: string[];
  series: ChartSeries[];
  /** How a y value reads on the axis. */
  unit: 'percent' | 'usd' | 'ms' | 'count';
}

export interface ChartTable {
  columns: string[];
  rows: { key: string; cells: string[] }[];
}

export interface ChartFigure {
  id: 'pass-rate' | 'cost' | 'latency' | 'distribution';
  title: string;
  /** Said when the chart has nothing to draw yet. */
  empty?: string;
  spec: ChartSpec;
  table: ChartTable;
}

const colourOf = (index: number) => SERIES_COLOURS[index % SERIES_COLOURS.length]!;

export function formatPercent(rate: number | null): string {
  return rate === null ? '–' : `${(rate * 100).toFixed(rate === 1 || rate === 0 ? 0 : 1)}%`;
}

export function formatUsd(amount: number): string {
  if (amount === 0) return '$0';
  return amount < 0.01 ? `$${amount.toFixed(4)}` : `$${amount.toFixed(2)}`;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms).toLocaleString('en-US')} ms`;
}

function bars(summaries: readonly VariantSummary[], values: (number | null)[], unit: ChartSpec['unit']): ChartSpec {
  return {
    kind: 'bars',
    x: summaries.map((_, i) => i),
    xLabels: summaries.map((s) => s.label),
    series: [{ label: 'value', values, colours: summaries.map((_, i) => colourOf(i)) }],
    unit,
  };
}

/** An evaluator as the charts name it. */
export interface EvaluatorName {
  id: string;
  label: string;
}

function passRateFigure(summaries: readonly VariantSummary[], evaluators: readonly EvaluatorName[]): ChartFigure {
  const hasEvaluators = summaries.some((s) => s.overall !== null);
  const evaluatorIds = evaluators.map((e) => e.id);
  const values = summaries.map((s) => (s.overall?.rate === null || !s.overall ? null : s.overall.rate * 100));
  return {
    id: 'pass-rate',
    title: 'Pass rate per variant',
    ...(!hasEvaluators ? { empty: 'No evaluators: nothing to pass or fail.' } : {}),
    ...(hasEvaluators && values.every((v) => v === null) ? { empty: 'No cell has been evaluated yet.' } : {}),
    spec: bars(summaries, values, 'percent'),
    table: {
      columns: ['Variant', 'All checks', ...evaluators.map((e) => e.label)],
      rows: summaries.map((s) => ({
        key: s.variantId,
        cells: [s.label, passCell(s.overall), ...evaluatorIds.map((id) => passCell(s.byEvaluator[id] ?? null))],
      })),
    },
  };
}

function passCell(rate: VariantSummary['overall']): string {
  return rate ? `${formatPercent(rate.rate)} (${rate.passed}/${rate.evaluated})` : '–';
}

/** Why every variant costs $0 so far: no tokens counted yet, or tokens at no price (the demo model, or unpriced). */
function noCostReason(summaries: readonly VariantSummary[]): string {
  const tokens = summaries.reduce((sum, s) => sum + s.tokens.cell + s.tokens.judge, 0);
  return tokens === 0
    ? 'No cost recorded yet: no model answer has been counted.'
    : 'No cost recorded: the models used are free (the demo model) or have no price set.';
}

function costFigure(summaries: readonly VariantSummary[]): ChartFigure {
  const totals = summaries.map((s) => s.costUsd.cell + s.costUsd.judge);
  return {
    id: 'cost',
    title: 'Cost per variant',
    ...(totals.every((t) => t === 0) ? { empty: noCostReason(summaries) } : {}),
    spec: bars(summaries, totals, 'usd'),
    table: {
      columns: ['Variant', 'Cells', 'Judges', 'Total', 'Tokens (+ judges)'],
      rows: summaries.map((s, i) => ({
        key: s.variantId,
        cells: [
          s.label,
          formatUsd(s.costUsd.cell),
          formatUsd(s.costUsd.judge),
          formatUsd(totals[i]!),
          `${s.tokens.cell.toLocaleString('en-US')} + ${s.tokens.judge.toLocaleString('en-US')}`,
        ],
      })),
    },
  };
}

function latencyFigure(summaries: readonly VariantSummary[]): ChartFigure {
  const means = summaries.map((s) => s.latency?.meanMs ?? null);
  return {
    id: 'latency',
    title: 'Mean latency per variant',
    ...(means.every((m) => m === null) ? { empty: 'No cell has completed yet.' } : {}),
    spec: bars(summaries, means, 'ms'),
    table: {
      columns: ['Variant', 'Mean', 'p50', 'p95', 'Completed'],
      rows: summaries.map((s) => ({
        key: s.variantId,
        cells: [
          s.label,
          formatMs(s.latency?.meanMs),
          formatMs(s.latency?.p50Ms),
          formatMs(s.latency?.p95Ms),
          String(s.latency?.count ?? 0),
        ],
      })),
    },
  };
}

function distributionFigure(summaries: readonly VariantSummary[], histogram: readonly LatencyBin[]): ChartFigure {
  // A closing point at the last bin's end, so the last step has a width.
  const last = histogram[histogram.length - 1];
  const x = last ? [...histogram.map((bin) => bin.fromMs), last.toMs] : [];
  return {
    id: 'distribution',
    title: 'Latency distribution',
    ...(histogram.length === 0 ? { empty: 'No cell has completed yet.' } : {}),
    spec: {
      kind: 'steps',
      x,
      xLabels: [],
      series: summaries.map((s, i) => ({
        label: s.label,
        values: last ? [...histogram.map((bin) => bin.counts[s.variantId] ?? 0), null] : [],
        colours: [colourOf(i)],
      })),
      unit: 'count',
    },
    table: {
      columns: ['Latency', ...summaries.map((s) => s.label)],
      rows: histogram.map((bin) => ({
        key: String(bin.fromMs),
        cells: [
          `${formatMs(bin.fromMs)} – ${formatMs(bin.toMs)}`,
          ...summaries.map((s) => String(bin.counts[s.variantId] ?? 0)),
        ],
      })),
    },
  };
}

/** The four charts of an experiment, in the order they are shown. */
export function experimentFigures(
  summaries: readonly VariantSummary[],
  histogram: readonly LatencyBin[],
  evaluators: readonly EvaluatorName[],
): ChartFigure[] {
  return [
    passRateFigure(summaries, evaluators),
    costFigure(summaries),
    latencyFigure(summaries),
    distributionFigure(summaries, histogram),
  ];
}
