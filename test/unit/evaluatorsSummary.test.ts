import { describe, expect, it } from 'vitest';
import type { CellResult, Evaluator, Variant } from '../../src/schema/experiment';
import { latencyHistogram, percentile, summarizeVariants } from '../../src/schema/experimentSummary';

const variants: Variant[] = [
  { id: 'a', label: 'Demo' },
  { id: 'b', label: 'Other' },
];
const evaluators = [
  { id: 'json', label: 'JSON', kind: 'json-schema', path: '', schema: {} },
  { id: 'judge', label: 'Judge', kind: 'llm-judge', prompt: 'x', model: { model: 'demo' } },
] as Evaluator[];

const ok = (id: string, pass: boolean, judge?: { tokens: number; costUsd: number }) => ({
  evaluatorId: id,
  pass,
  reason: '',
  ...judge,
});

/**
 * Variant a: 4 completed cells (latencies 100, 200, 300, 1000), 1 failed, 1 running.
 * json passes on 3 of the 4 completed; the judge on 2 of them; both pass on cells 0 and 1 only.
 */
const cells: CellResult[] = [
  {
    rowIndex: 0,
    variantId: 'a',
    status: 'completed',
    latencyMs: 100,
    tokens: 10,
    costUsd: 0.01,
    evaluations: [ok('json', true), ok('judge', true, { tokens: 5, costUsd: 0.001 })],
  },
  {
    rowIndex: 1,
    variantId: 'a',
    status: 'completed',
    latencyMs: 300,
    tokens: 20,
    costUsd: 0.02,
    evaluations: [ok('json', true), ok('judge', true, { tokens: 5, costUsd: 0.001 })],
  },
  {
    rowIndex: 2,
    variantId: 'a',
    status: 'completed',
    latencyMs: 200,
    tokens: 30,
    costUsd: 0.03,
    evaluations: [ok('json', true), ok('judge', false, { tokens: 7, costUsd: 0.002 })],
  },
  {
    rowIndex: 3,
    variantId: 'a',
    status: 'completed',
    latencyMs: 1000,
    tokens: 40,
    costUsd: 0.04,
    evaluations: [ok('json', false), ok('judge', false, { tokens: 3, costUsd: 0.001 })],
  },
  { rowIndex: 4, variantId: 'a', status: 'failed', error: 'boom', tokens: 1 },
  { rowIndex: 5, variantId: 'a', status: 'running' },
  // Variant b: one cell completed but its judge has not answered yet, one queued.
  { rowIndex: 0, variantId: 'b', status: 'completed', latencyMs: 500, tokens: 8, costUsd: 0.5 },
  { rowIndex: 1, variantId: 'b', status: 'queued' },
  // A cell of a variant the spec does not have is ignored.
  { rowIndex: 0, variantId: 'zzz', status: 'completed', latencyMs: 1 },
];

describe('summarizeVariants', () => {
  const [a, b] = summarizeVariants({ variants, evaluators }, cells);

  it('pass rates per evaluator and overall over finished cells (a failed cell fails every check)', () => {
    expect(a!.byEvaluator.json).toEqual({ passed: 3, evaluated: 5, rate: 0.6 });
    expect(a!.byEvaluator.judge).toEqual({ passed: 2, evaluated: 5, rate: 0.4 });
    expect(a!.overall).toEqual({ passed: 2, evaluated: 5, rate: 0.4 });
    expect(b!.overall).toEqual({ passed: 0, evaluated: 0, rate: null });
  });

  it('mean, p50 and p95 latency of completed cells (nearest rank)', () => {
    // Sorted 100, 200, 300, 1000: mean 400; p50 = 2nd value; p95 = 4th value.
    expect(a!.latency).toEqual({ count: 4, meanMs: 400, p50Ms: 200, p95Ms: 1000 });
    expect(b!.latency).toEqual({ count: 1, meanMs: 500, p50Ms: 500, p95Ms: 500 });
  });

  it("tokens and cost: the cell's and the judges' apart; counts by status", () => {
    expect(a!.tokens).toEqual({ cell: 101, judge: 20 });
    expect(a!.costUsd.cell).toBeCloseTo(0.1, 10);
    expect(a!.costUsd.judge).toBeCloseTo(0.005, 10);
    expect(a!.counts).toEqual({ queued: 0, running: 1, waiting: 0, completed: 4, failed: 1, cancelled: 0 });
    expect(b!.counts.queued).toBe(1);
    expect([a!.cells, b!.cells]).toEqual([6, 2]);
  });

  it('no evaluators: no overall pass rate', () => {
    const [only] = summarizeVariants({ variants: [variants[0]!], evaluators: [] }, cells);
    expect(only!.overall).toBeNull();
    expect(only!.byEvaluator).toEqual({});
  });
});

describe('percentile', () => {
  it('nearest rank on a hand-computed table', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
    expect(percentile(sorted, 50)).toBe(10);
    expect(percentile(sorted, 95)).toBe(19);
    expect(percentile(sorted, 100)).toBe(20);
    expect(percentile([7], 95)).toBe(7);
  });
});

describe('latencyHistogram', () => {
  it('equal-width bins over every variant, the last bin including the slowest cell', () => {
    // Completed latencies: a 100, 300, 200, 1000; b 500; zzz 1 → range 1..1000, width 333.
    const bins = latencyHistogram(cells, 3);
    expect(bins.map((bin) => [bin.fromMs, bin.toMs])).toEqual([
      [1, 334],
      [334, 667],
      [667, 1000],
    ]);
    expect(bins.map((bin) => bin.counts)).toEqual([
      { a: 3, b: 0, zzz: 1 },
      { a: 0, b: 1, zzz: 0 },
      { a: 1, b: 0, zzz: 0 },
    ]);
  });

  it('one bin when every latency is the same; none without latencies', () => {
    const same: CellResult[] = [
      { rowIndex: 0, variantId: 'a', status: 'completed', latencyMs: 40 },
      { rowIndex: 1, variantId: 'a', status: 'completed', latencyMs: 40 },
    ];
    expect(latencyHistogram(same, 10)).toEqual([{ fromMs: 40, toMs: 40, counts: { a: 2 } }]);
    expect(latencyHistogram([{ rowIndex: 0, variantId: 'a', status: 'failed' }], 10)).toEqual([]);
  });
});
