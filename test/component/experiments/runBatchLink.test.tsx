import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../src/engine/records';
import { cellRunId } from '../../../src/schema/experiment';
import { DbProvider } from '../../../src/ui/DbContext';
import { RunBatchLink } from '../../../src/ui/runs/RunBatchLink';
import { freshDb } from '../helpers';
import { FIXTURE_VARIANTS, storeExperiment } from './resultsFixtures';

const runOf = (id: string, batchId?: string): RunRecord =>
  ({ id, batchId, workflowHash: 'h', workflowName: 'w', mode: 'durable', status: 'completed' }) as RunRecord;

describe('a run of an experiment links to it', () => {
  it('a cell run names its row and variant, a judge run says it judged it; other runs show nothing', async () => {
    const db = freshDb();
    await storeExperiment(db, {
      rows: [{ text: 'a' }, { text: 'b' }],
      cellOf: (row, variant) =>
        row === 1 ? { status: 'completed', runId: cellRunId('b1', 1, FIXTURE_VARIANTS.indexOf(variant)) } : undefined,
    });
    const { rerender } = render(
      <DbProvider db={db}>
        <RunBatchLink run={runOf(cellRunId('b1', 1, 1), 'b1')} />
      </DbProvider>,
    );
    const link = await screen.findByRole('link', { name: 'row 2 (Local server) of experiment “Sentiment check”' });
    expect(link.getAttribute('href')).toBe('#/experiments/b1');
    rerender(
      <DbProvider db={db}>
        <RunBatchLink run={runOf(`${cellRunId('b1', 1, 0)}.j0`, 'b1')} />
      </DbProvider>,
    );
    expect(
      await screen.findByRole('link', { name: 'judge of row 2 (Demo model) of experiment “Sentiment check”' }),
    ).toBeTruthy();
    rerender(
      <DbProvider db={db}>
        <RunBatchLink run={runOf('plain-run')} />
      </DbProvider>,
    );
    expect(screen.queryByRole('link')).toBeNull();
  });
});
