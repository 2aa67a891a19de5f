import { describe, expect, it } from 'vitest';
import type { CellResult, Variant } from '../../../src/schema/experiment';
import { parseCsv } from '../../../src/store/tableImport';
import {
  buildColumns,
  collectOutputPaths,
  columnValue,
  type ColumnSources,
  type ResultRow,
} from '../../../src/ui/experiments/results/columns';
import { csvField, uniqueHeaders, writeCsv } from '../../../src/ui/experiments/results/csv';
import { flattenOutput, outputAt } from '../../../src/ui/experiments/results/flatten';
import { filterRows, sortRows } from '../../../src/ui/experiments/results/sortFilter';

const variants: Variant[] = [
  { id: 'a', label: 'Demo' },
  { id: 'b', label: 'Local' },
];

function cell(rowIndex: number, variantId: string, fields: Partial<CellResult> = {}): CellResult {
  return { rowIndex, variantId, status: 'completed', runId: `run-${rowIndex}-${variantId}`, ...fields };
}

function row(rowIndex: number, input: Record<string, unknown>, cells: CellResult[]): ResultRow {
  return { rowIndex, input, cells: new Map(cells.map((c) => [c.variantId, c])) };
}

function sourcesOf(rows: ResultRow[], inputColumns = ['text']): ColumnSources {
  return {
    inputColumns,
    variants,
    evaluators: [{ id: 'json', label: 'Valid JSON' }],
    outputPaths: collectOutputPaths(rows, new Map()),
  };
}

describe('flattening outputs into columns', () => {
  it('an object output becomes a column per leaf, a scalar one column, lists and deep objects JSON text', () => {
    const output = { a: { b: 1, c: 'x' }, list: [1, 2], empty: {}, deep: { x: { y: { z: 1 } } } };
    expect(flattenOutput(output).map((leaf) => [leaf.path.join('.'), leaf.value])).toEqual([
      ['a.b', 1],
      ['a.c', 'x'],
      ['list', '[1,2]'],
      ['empty', '{}'],
      ['deep.x.y', '{"z":1}'],
    ]);
    expect(flattenOutput('plain text')).toEqual([{ path: [], value: 'plain text' }]);
    expect(flattenOutput(undefined)).toEqual([]);
    expect(outputAt(output, ['a', 'c'])).toBe('x');
    expect(outputAt(output, ['deep', 'x', 'y'])).toBe('{"z":1}');
    // A column of another row's shape: this output has no such leaf.
    expect(outputAt('text', ['a', 'b'])).toBeUndefined();
    expect(outputAt(output, ['a'])).toBeUndefined();
  });

  it('output columns of every variant keep the order they were first seen and never shrink', () => {
    const rows = [
      row(0, { text: 'one' }, [cell(0, 'a', { output: { label: 'pos' } }), cell(0, 'b', { output: 'hi' })]),
      row(1, { text: 'two' }, [cell(1, 'a', { output: { label: 'neg', score: 2 } })]),
    ];
    const paths = collectOutputPaths(rows, new Map());
    expect(paths.get('a')).toEqual([['label'], ['score']]);
    expect(paths.get('b')).toEqual([[]]);
    const later = collectOutputPaths([row(2, {}, [cell(2, 'a', { output: { other: true } })])], paths);
    expect(later.get('a')).toEqual([['label'], ['score'], ['other']]);
    const labels = buildColumns(sourcesOf(rows)).map((g) => g.columns.map((c) => c.label));
    expect(labels).toEqual([
      ['row', 'text'],
      ['output.label', 'output.score', 'status', 'tokens', 'cost (USD)', 'latency (ms)', 'Valid JSON'],
      ['output', 'status', 'tokens', 'cost (USD)', 'latency (ms)', 'Valid JSON'],
    ]);
  });

  it('columns named alike by users stay apart (ids are not made of labels)', () => {
    const groups = buildColumns({
      inputColumns: ['a'],
      variants: [
        { id: 'x', label: 'Same' },
        { id: 'y', label: 'Same' },
      ],
      evaluators: [],
      outputPaths: new Map([
        ['x', [['a.b'], ['a', 'b']]],
        ['y', [['a.b']]],
      ]),
    });
    const ids = groups.flatMap((g) => g.columns.map((c) => c.id));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('sorting and filtering rows', () => {
  const rows = [
    row(0, { text: 'banana' }, [
      cell(0, 'a', { latencyMs: 300, evaluations: [{ evaluatorId: 'json', pass: true, reason: '' }] }),
    ]),
    row(1, { text: 'Apple 10' }, [
      cell(1, 'a', { latencyMs: 100, status: 'failed', error: 'Provider timeout', evaluations: [] }),
    ]),
    row(2, { text: 'apple 9' }, [
      cell(2, 'a', { latencyMs: 200, evaluations: [{ evaluatorId: 'json', pass: false, reason: 'not JSON' }] }),
    ]),
    row(3, { text: 'cherry' }, []),
  ];
  const columns = buildColumns(sourcesOf(rows)).flatMap((g) => g.columns);
  const byLabel = (variantId: string | undefined, label: string) =>
    columns.find((c) => c.label === label && ('variantId' in c ? c.variantId : undefined) === variantId)!;
  const order = (sorted: ResultRow[]) => sorted.map((r) => r.rowIndex);

  it('numbers sort by value, text by its words and numbers, missing values last both ways', () => {
    const latency = byLabel('a', 'latency (ms)');
    expect(order(sortRows(rows, latency, 'ascending'))).toEqual([1, 2, 0, 3]);
    expect(order(sortRows(rows, latency, 'descending'))).toEqual([0, 2, 1, 3]);
    expect(order(sortRows(rows, byLabel(undefined, 'text'), 'ascending'))).toEqual([2, 1, 0, 3]);
  });

  it('statuses sort in their lifecycle order and failed checks before passed ones', () => {
    expect(order(sortRows(rows, byLabel('a', 'status'), 'descending'))).toEqual([1, 0, 2, 3]);
    expect(order(sortRows(rows, byLabel('a', 'Valid JSON'), 'ascending'))).toEqual([2, 0, 1, 3]);
  });

  it('filters by status, by a failed check and by text in inputs, outputs and errors', () => {
    expect(order(filterRows(rows, { status: 'failed' }, columns))).toEqual([1]);
    expect(order(filterRows(rows, { failedCheck: { kind: 'any' } }, columns))).toEqual([2]);
    expect(order(filterRows(rows, { failedCheck: { kind: 'evaluator', evaluatorId: 'other' } }, columns))).toEqual([]);
    expect(order(filterRows(rows, { text: 'APPLE' }, columns))).toEqual([1, 2]);
    expect(order(filterRows(rows, { text: 'timeout' }, columns))).toEqual([1]);
    expect(order(filterRows(rows, { text: '  ' }, columns))).toEqual([0, 1, 2, 3]);
  });

  it('a check column shows pass or fail, and nothing before the check answered', () => {
    const check = byLabel('a', 'Valid JSON');
    expect(rows.map((r) => columnValue(check, r))).toEqual(['pass', undefined, 'fail', undefined]);
  });
});

describe('CSV writing', () => {
  it('quotes commas, quotes, line breaks and edge spaces, and parseCsv reads every value back', () => {
    const values = ['plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\r\nlf', ' padded ', '', '=1+1', 'ünï 😀'];
    const text = writeCsv(
      ['name', 'value'],
      values.map((value, i) => [`v${i}`, value]),
    );
    const parsed = parseCsv(text);
    expect(parsed.map((r) => String(r.value))).toEqual(values);
    expect(csvField('a"b')).toBe('"a""b"');
    expect(csvField('simple')).toBe('simple');
  });

  it('missing values are empty fields and header names are made unique', () => {
    expect(writeCsv(['a', 'b'], [[undefined, null]])).toBe('a,b\r\n,\r\n');
    expect(uniqueHeaders(['x', 'x', 'x (2)', ''])).toEqual(['x', 'x (2)', 'x (2) (2)', 'column']);
  });
});
