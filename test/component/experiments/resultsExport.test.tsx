import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { parseCsv } from '../../../src/store/tableImport';
import { ExperimentResults } from '../../../src/ui/experiments/results/ExperimentResults';
import { exportFileName, RESULTS_FORMAT } from '../../../src/ui/experiments/results/exportResults';
import { freshDb, renderWithExecutor } from '../helpers';
import { storeExperiment } from './resultsFixtures';

const downloads = vi.hoisted(() => [] as Array<{ fileName: string; text: string; type?: string }>);
vi.mock('../../../src/ui/common/clipboard', async (original) => ({
  ...(await original<typeof import('../../../src/ui/common/clipboard')>()),
  downloadText: (fileName: string, text: string, type?: string) => void downloads.push({ fileName, text, type }),
}));

const SECRET = 'sk-live-SECRET-4b1d';

/** Outputs of every shape a run answers: text with commas, quotes and line breaks, objects, lists, numbers. */
const outputs: unknown[] = [
  { label: 'positive', note: 'said "great", twice\nand again', tags: ['a', 'b'] },
  { label: 'negative', score: 0.25, nested: { deep: true } },
  'plain, text answer',
  { label: '007', score: 12 },
];

async function storeMixed() {
  const db = freshDb();
  const batch = await storeExperiment(db, {
    rows: outputs.map((_, i) => ({ text: `row ${i}, with comma`, expected: i % 2 === 0 ? 'positive' : 'negative' })),
    cellOf: (rowIndex, variant) =>
      rowIndex === 3 && variant.id === 'local'
        ? { status: 'failed', runId: `b1.r3.v1`, error: 'Local server answered 500' }
        : {
            status: 'completed',
            runId: `b1.r${rowIndex}.${variant.id}`,
            output: outputs[rowIndex],
            tokens: 10 + rowIndex,
            costUsd: variant.id === 'local' ? 0.001 : 0,
            latencyMs: 100 * (rowIndex + 1),
            evaluations: [
              { evaluatorId: 'has-label', pass: rowIndex !== 2, reason: rowIndex === 2 ? 'no "label"' : '' },
            ],
          },
  });
  // What the batch keeps beside the results must never reach a file: the workflows it ran carry secrets.
  await db.batches.update(batch.id, {
    variantWorkflows: [{ workflowConfig: { name: 'x', config: { secrets: { KEY: { value: SECRET } } } } } as never],
  });
  return db;
}

/** The stored experiment's results screen, and the file its export button downloads. */
async function exported(button: 'Export CSV' | 'Export JSON') {
  const db = await storeMixed();
  const user = userEvent.setup();
  renderWithExecutor(db, {}, <ExperimentResults batchId="b1" />);
  await screen.findByRole('table', { name: 'Results of Sentiment check' }, { timeout: 5_000 });
  downloads.length = 0;
  await user.click(screen.getByRole('button', { name: button }));
  await waitFor(() => expect(downloads).toHaveLength(1));
  return downloads[0]!;
}

describe('exporting results', { timeout: 20_000 }, () => {
  it('the CSV read back by the app’s own parseCsv gives every input, output, metric and verdict', async () => {
    const { fileName, text, type } = await exported('Export CSV');
    expect(fileName).toBe(exportFileName('Sentiment check', 'csv'));
    expect(fileName).toBe('Sentiment-check-results.csv');
    expect(type).toBe('text/csv');
    expect(text).not.toContain(SECRET);
    const records = parseCsv(text);
    expect(records).toHaveLength(4);
    const asText = (value: unknown) => (value === undefined ? '' : String(value));
    records.forEach((record, i) => {
      expect(asText(record.row)).toBe(String(i + 1));
      expect(record['input.text']).toBe(`row ${i}, with comma`);
    });
    expect(Object.keys(records[0]!)).toEqual(
      expect.arrayContaining([
        'Demo model / output.label',
        'Demo model / output.note',
        'Demo model / output.tags',
        'Demo model / output.nested.deep',
        'Demo model / output',
        'Demo model / status',
        'Demo model / Has label',
        'Demo model / Has label reason',
        'Local server / error',
        'Local server / run id',
      ]),
    );
    expect(records[0]!['Demo model / output.note']).toBe('said "great", twice\nand again');
    expect(records[0]!['Demo model / output.tags']).toBe('["a","b"]');
    expect(records[1]!['Demo model / output.score']).toBe(0.25);
    expect(records[1]!['Demo model / output.nested.deep']).toBe('true');
    expect(records[2]!['Demo model / output']).toBe('plain, text answer');
    expect(records[2]!['Demo model / Has label']).toBe('fail');
    expect(records[2]!['Demo model / Has label reason']).toBe('no "label"');
    // "007" stays text: parseCsv turns only exact JavaScript numbers into numbers.
    expect(records[3]!['Demo model / output.label']).toBe('007');
    expect(records[3]!['Local server / status']).toBe('failed');
    expect(records[3]!['Local server / error']).toBe('Local server answered 500');
    expect(records[3]!['Local server / output.label']).toBe('');
    expect(records[3]!['Demo model / latency (ms)']).toBe(400);
    expect(records[3]!['Local server / run id']).toBe('b1.r3.v1');
  });

  it('the JSON holds the experiment, its variants and checks, and every row’s cells — never a secret', async () => {
    const { fileName, text } = await exported('Export JSON');
    expect(fileName).toBe('Sentiment-check-results.json');
    expect(text).not.toContain(SECRET);
    const file = JSON.parse(text);
    expect(file).toMatchObject({
      format: RESULTS_FORMAT,
      version: 1,
      experiment: { id: 'b1', name: 'Sentiment check', workflowId: 'w1' },
      variants: [
        { id: 'demo', label: 'Demo model' },
        { id: 'local', label: 'Local server', model: { provider: 'p1', model: 'test-model' } },
      ],
      evaluators: [
        { id: 'has-label', label: 'Has label', kind: 'regex' },
        { id: 'judge', label: 'Judge', kind: 'llm-judge' },
      ],
    });
    expect(Object.keys(file)).toEqual([
      'format',
      'version',
      'exportedAt',
      'experiment',
      'variants',
      'evaluators',
      'rows',
    ]);
    expect(file.rows).toHaveLength(4);
    expect(file.rows[0].variants.demo.output).toEqual(outputs[0]);
    expect(file.rows[3].variants.local).toMatchObject({ status: 'failed', error: 'Local server answered 500' });
    expect(file.rows[2].variants.demo.checks).toEqual([
      { evaluatorId: 'has-label', pass: false, reason: 'no "label"' },
    ]);
    expect(file.rows[1].input).toEqual({ text: 'row 1, with comma', expected: 'negative' });
  });

  it('a file name is made of the experiment name’s letters, digits and dashes', () => {
    expect(exportFileName('Q3 / "tone" test ✨', 'json')).toBe('Q3-tone-test-results.json');
    expect(exportFileName('✨✨', 'csv')).toBe('experiment-results.csv');
  });
});
