import type { Scalar } from './flatten';
import type { Metric, ResultColumn } from './columns';

/** Pure: what a table cell shows (`short`, cut at `CELL_TEXT_MAX` characters) and its full text. */

export const CELL_TEXT_MAX = 120;

export function formatCell(column: ResultColumn, value: Scalar | undefined): { short: string; full: string } {
  const full =
    column.kind === 'metric' && typeof value === 'number'
      ? formatMetric(column.metric, value)
      : value === undefined || value === null
        ? column.kind === 'output' && value === null
          ? 'null'
          : ''
        : String(value);
  return { short: full.length > CELL_TEXT_MAX ? `${full.slice(0, CELL_TEXT_MAX - 1)}…` : full, full };
}

/** Tokens as a count, cost in dollars, latency in ms or s (empty: no value). */
export function formatMetric(metric: Metric, value: number | string | undefined): string {
  if (typeof value !== 'number') return value ?? '';
  if (metric === 'costUsd') return value === 0 ? '$0' : `$${value < 0.01 ? value.toPrecision(2) : value.toFixed(4)}`;
  if (metric === 'latencyMs') return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(1)} s`;
  if (metric === 'tokens') return value.toLocaleString('en-US');
  return String(value);
}
