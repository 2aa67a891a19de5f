import { render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { cellRunId, type CellResult, type Evaluator, type Variant } from '../../../src/schema/experiment';
import { latencyHistogram, summarizeVariants } from '../../../src/schema/experimentSummary';
import { editBatch, emptyCounts, insertBatch, type BatchCellRecord } from '../../../src/store/batches';
import { DbProvider } from '../../../src/ui/DbContext';
import { experimentFigures } from '../../../src/ui/experiments/charts/chartData';
import { ExperimentCharts } from '../../../src/ui/experiments/charts/ExperimentCharts';
import { VariantCharts } from '../../../src/ui/experiments/charts/VariantCharts';
import { freshDb } from '../helpers';

// A switch to make the cells' read fail (the disk going away), passing through otherwise.
const failCellReads = vi.hoisted(() => ({ on: false }));
vi.mock('../../../src/store/batches', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/store/batches')>();
  return {
    ...actual,
    readCellWindow: (...args: Parameters<typeof actual.readCellWindow>) =>
      failCellReads.on ? Promise.reject(new Error('the disk went away')) : actual.readCellWindow(...args),
  };
});

// The canvas (uPlot, a lazy chunk) cannot draw in jsdom: a stand-in shows the spec it was given.
vi.mock('../../../src/ui/experiments/charts/ChartCanvas', () => ({
  default: ({ spec }: { spec: unknown }) => <div data-testid="chart-canvas" data-spec={JSON.stringify(spec)} />,
}));

const variants: Variant[] = [
  { id: 'a', label: 'Demo model' },
  { id: 'b', label: 'Local server' },
];
const evaluators: Evaluator[] = [
  { id: 'shape', label: 'Valid JSON', kind: 'json-schema', path: '', schema: { type: 'object' } },
  { id: 'judge', label: 'Judge', kind: 'llm-judge', prompt: 'Is {{output}} right?', model: { model: 'demo' } },
];

const verdicts = (shape: boolean, judge: boolean, judgeCost = 0) => [
  { evaluatorId: 'shape', pass: shape, reason: '' },
  { evaluatorId: 'judge', pass: judge, reason: '', tokens: 10, costUsd: judgeCost },
];

/**
 * a: latencies 100, 200, 300, 400 ms; passes both checks on 3 of 4 (one judge fails); cost $0.25 + judges $0.05.
 * b: latencies 1000, 2000 ms, one failed cell; passes both on 1 of 3; cost $1.00.
 */
const cells: CellResult[] = [
  {
    rowIndex: 0,
    variantId: 'a',
    status: 'completed',
    latencyMs: 100,
    costUsd: 0.1,
    tokens: 100,
    evaluations: verdicts(true, true, 0.02),
  },
  {
    rowIndex: 1,
    variantId: 'a',
    status: 'completed',
    latencyMs: 200,
    costUsd: 0.05,
    tokens: 50,
    evaluations: verdicts(true, true, 0.01),
  },
  {
    rowIndex: 2,
    variantId: 'a',
    status: 'completed',
    latencyMs: 300,
    costUsd: 0.05,
    tokens: 50,
    evaluations: verdicts(true, false, 0.01),
  },
  {
    rowIndex: 3,
    variantId: 'a',
    status: 'completed',
    latencyMs: 400,
    costUsd: 0.05,
    tokens: 50,
    evaluations: verdicts(true, true, 0.01),
  },
  {
    rowIndex: 0,
    variantId: 'b',
    status: 'completed',
    latencyMs: 1000,
    costUsd: 0.5,
    tokens: 10,
    evaluations: verdicts(true, true),
  },
  {
    rowIndex: 1,
    variantId: 'b',
    status: 'completed',
    latencyMs: 2000,
    costUsd: 0.5,
    tokens: 10,
    evaluations: verdicts(false, true),
  },
  { rowIndex: 2, variantId: 'b', status: 'failed', error: 'timeout' },
  { rowIndex: 3, variantId: 'b', status: 'running' },
];
const names = evaluators.map(({ id, label }) => ({ id, label }));

function tableOf(chart: string): string[][] {
  const figure = document.querySelector(`[data-chart="${chart}"]`) as HTMLElement;
  return within(figure)
    .getAllByRole('row')
    .map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent ?? ''));
}

describe('the charts’ data', () => {
  const summaries = summarizeVariants({ variants, evaluators }, cells);
  const histogram = latencyHistogram(cells, 4);

  it('bars per variant: pass rate in percent, total cost, mean latency; one colour per variant', () => {
    const [passRate, cost, latency, distribution] = experimentFigures(summaries, histogram, names);
    expect(passRate!.spec.series[0]!.values).toEqual([75, (1 / 3) * 100]);
    expect(cost!.spec.series[0]!.values[0]).toBeCloseTo(0.3, 10);
    expect(cost!.spec.series[0]!.values[1]).toBeCloseTo(1, 10);
    expect(latency!.spec.series[0]!.values).toEqual([250, 1500]);
    expect(passRate!.spec.series[0]!.colours).toEqual(['--chart-series-1', '--chart-series-2']);
    expect(passRate!.spec.xLabels).toEqual(['Demo model', 'Local server']);
    // 100..2000 in 4 bins of 475 ms; the closing edge gives the last step its width.
    expect(distribution!.spec.x).toEqual([100, 575, 1050, 1525, 2000]);
    expect(distribution!.spec.series.map((s) => s.values)).toEqual([
      [4, 0, 0, 0, null],
      [0, 1, 0, 1, null],
    ]);
  });

  it('each figure has a table of its numbers, the text alternative of its chart', async () => {
    render(<VariantCharts summaries={summaries} histogram={histogram} evaluators={names} />);
    expect(screen.getAllByRole('figure').map((f) => f.getAttribute('aria-labelledby') !== null)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(tableOf('pass-rate')).toEqual([
      ['Variant', 'All checks', 'Valid JSON', 'Judge'],
      ['Demo model', '75.0% (3/4)', '100% (4/4)', '75.0% (3/4)'],
      ['Local server', '33.3% (1/3)', '33.3% (1/3)', '66.7% (2/3)'],
    ]);
    expect(tableOf('cost')).toEqual([
      ['Variant', 'Cells', 'Judges', 'Total', 'Tokens (+ judges)'],
      ['Demo model', '$0.25', '$0.05', '$0.30', '250 + 40'],
      ['Local server', '$1.00', '$0', '$1.00', '20 + 20'],
    ]);
    expect(tableOf('latency')).toEqual([
      ['Variant', 'Mean', 'p50', 'p95', 'Completed'],
      ['Demo model', '250 ms', '200 ms', '400 ms', '4'],
      ['Local server', '1,500 ms', '1,000 ms', '2,000 ms', '2'],
    ]);
    expect(tableOf('distribution')[1]).toEqual(['100 ms – 575 ms', '4', '0']);
    const canvases = await screen.findAllByTestId('chart-canvas');
    const figures = experimentFigures(summaries, histogram, names);
    expect(canvases.map((c) => JSON.parse(c.dataset.spec!) as unknown)).toEqual(figures.map((f) => f.spec));
  });

  it('says why a chart is empty instead of drawing nothing', () => {
    const none = summarizeVariants({ variants, evaluators: [] }, []);
    render(<VariantCharts summaries={none} histogram={[]} evaluators={[]} />);
    expect(screen.getByText('No evaluators: nothing to pass or fail.')).toBeTruthy();
    expect(screen.getAllByText('No cell has completed yet.')).toHaveLength(2);
    expect(screen.queryAllByTestId('chart-canvas')).toHaveLength(0);
  });

  it('says why every variant costs $0: no answer counted yet, or answers at no price', () => {
    const costOf = (of: typeof summaries) => experimentFigures(of, histogram, names).find((f) => f.id === 'cost')!;
    const none = summarizeVariants({ variants, evaluators: [] }, []);
    expect(costOf(none).empty).toBe('No cost recorded yet: no model answer has been counted.');
    const unpriced = summaries.map((s) => ({ ...s, costUsd: { cell: 0, judge: 0 } }));
    expect(costOf(unpriced).empty).toBe(
      'No cost recorded: the models used are free (the demo model) or have no price set.',
    );
    expect(costOf(summaries).empty).toBeUndefined();
  });
});

/** The cells above stored as a running batch `b1`, as the scheduler writes them. */
async function storeBatch() {
  const db = freshDb();
  const stored: BatchCellRecord[] = cells.map((cell) => ({
    ...cell,
    key: cellRunId('b1', cell.rowIndex, cell.variantId === 'a' ? 0 : 1),
    batchId: 'b1',
    variantIndex: cell.variantId === 'a' ? 0 : 1,
    attempt: 0,
  }));
  const counts = emptyCounts();
  for (const cell of stored) counts[cell.status]++;
  const spec = { name: 'Check', workflowId: 'w1', source: { kind: 'list', column: 'text' }, mapping: {} } as const;
  await insertBatch(
    db,
    {
      id: 'b1',
      name: 'Check',
      workflowId: 'w1',
      spec: { ...spec, variants, evaluators },
      variantWorkflows: [],
      columns: ['text'],
      rowCount: 4,
      status: 'running',
      counts,
      totals: { tokens: 0, costUsd: 0, judgeTokens: 0, judgeCostUsd: 0 },
      concurrency: 2,
      createdAt: 1,
      updatedAt: 1,
    },
    [{ text: 'a' }, { text: 'b' }, { text: 'c' }, { text: 'd' }],
    stored,
  );
  return { db, stored };
}

describe('ExperimentCharts', () => {
  it('reads the batch’s cells and follows them as they finish', async () => {
    const { db, stored } = await storeBatch();
    render(
      <DbProvider db={db}>
        <ExperimentCharts batchId="b1" />
      </DbProvider>,
    );
    expect(await screen.findAllByText('33.3% (1/3)')).toHaveLength(2);
    const running = stored.find((cell) => cell.status === 'running')!;
    const finished = { ...running, status: 'completed' as const, latencyMs: 3000, evaluations: verdicts(true, true) };
    await editBatch(db, 'b1', { keys: [running.key] }, () => ({ cells: [finished] }), 2);
    expect(await screen.findAllByText('50.0% (2/4)', undefined, { timeout: 5_000 })).toHaveLength(2);
  });

  it('a failed read of the cells says so, and the next change of the batch reads again', async () => {
    const { db, stored } = await storeBatch();
    failCellReads.on = true;
    try {
      render(
        <DbProvider db={db}>
          <ExperimentCharts batchId="b1" />
        </DbProvider>,
      );
      expect(await screen.findByText('The charts could not read the cells: the disk went away')).toBeTruthy();
    } finally {
      failCellReads.on = false;
    }
    const running = stored.find((cell) => cell.status === 'running')!;
    await editBatch(db, 'b1', { keys: [running.key] }, () => ({ cells: [{ ...running, status: 'cancelled' }] }), 2);
    expect(await screen.findAllByText('33.3% (1/3)', undefined, { timeout: 5_000 })).toHaveLength(2);
  });

  it('says so when the experiment is not on this device', async () => {
    render(
      <DbProvider db={freshDb()}>
        <ExperimentCharts batchId="nope" />
      </DbProvider>,
    );
    expect(await screen.findByText('This experiment is not on this device.')).toBeTruthy();
  });
});
