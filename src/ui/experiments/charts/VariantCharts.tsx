import { useId, useMemo } from 'react';
import type { LatencyBin, VariantSummary } from '../../../schema/experimentSummary';
import { LazyBoundary, lazyChunk } from '../../common/LazyBoundary';
import { experimentFigures, SERIES_COLOURS, type ChartFigure, type EvaluatorName } from './chartData';
import './charts.css';

// uPlot is a lazy chunk of its own: the first screen and the results table load without it.
const ChartCanvas = lazyChunk(() => import('./ChartCanvas'));

export interface VariantChartsProps {
  summaries: readonly VariantSummary[];
  histogram: readonly LatencyBin[];
  evaluators: readonly EvaluatorName[];
}

/**
 * An experiment's charts from its summary (no database: `ExperimentCharts` reads it): pass rate, cost
 * and mean latency per variant as bars, and the latency distribution. Each figure carries the table of
 * its numbers, which is what assistive technology reads (the canvas is hidden from it).
 */
export function VariantCharts({ summaries, histogram, evaluators }: VariantChartsProps) {
  const figures = useMemo(
    () => experimentFigures(summaries, histogram, evaluators),
    [summaries, histogram, evaluators],
  );
  return (
    <section className="experiment-charts" aria-label="Charts">
      <ul className="chart-legend" aria-label="Variants">
        {summaries.map((s, i) => (
          <li key={s.variantId}>
            <span
              className="chart-swatch"
              style={{ background: `var(${SERIES_COLOURS[i % SERIES_COLOURS.length]})` }}
            />
            {s.label}
          </li>
        ))}
      </ul>
      <div className="chart-grid">
        {figures.map((figure) => (
          <Figure key={figure.id} figure={figure} />
        ))}
      </div>
    </section>
  );
}

function Figure({ figure }: { figure: ChartFigure }) {
  const titleId = useId();
  const tableId = useId();
  return (
    <figure className="chart-figure" aria-labelledby={titleId} data-chart={figure.id}>
      <figcaption id={titleId} className="chart-title">
        {figure.title}
      </figcaption>
      {figure.empty ? (
        <p className="chart-empty muted">{figure.empty}</p>
      ) : (
        <LazyBoundary label="the chart" fallback={<div className="chart-canvas chart-loading" aria-hidden="true" />}>
          <ChartCanvas spec={figure.spec} />
        </LazyBoundary>
      )}
      {/* Focusable: a table wider than a phone scrolls, and a keyboard must reach what is scrolled away. */}
      <div className="chart-table-scroll" tabIndex={0} role="region" aria-labelledby={tableId}>
        <table className="chart-table">
          <caption id={tableId} className="visually-hidden">
            {figure.title}: the numbers
          </caption>
          <thead>
            <tr>
              {figure.table.columns.map((column, i) => (
                <th key={`${i}:${column}`} scope="col">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {figure.table.rows.map((row) => (
              <tr key={row.key}>
                {row.cells.map((cell, i) =>
                  i === 0 ? (
                    <th key={i} scope="row">
                      {cell}
                    </th>
                  ) : (
                    <td key={i}>{cell}</td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
