import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { cellRunId, type ExperimentSpec } from '../../../src/schema/experiment';
import {
  editBatch,
  emptyCounts,
  insertBatch,
  type BatchCellRecord,
  type BatchRecord,
} from '../../../src/store/batches';
import type { TabflowDb } from '../../../src/store/db';
import { ExperimentScreen } from '../../../src/ui/experiments/ExperimentScreen';
import { freshDb, renderWithExecutor } from '../helpers';

const BATCH_ID = 'b-test';
const ROWS = 3;

const spec: ExperimentSpec = {
  name: 'Owls over topics',
  workflowId: 'w-missing',
  source: { kind: 'file', fileName: 'topics.csv', format: 'csv' },
  mapping: { topic: 'topic' },
  variants: [{ id: 'v1', label: 'Fast', model: { provider: 'demo', model: 'demo-1' } }],
  evaluators: [],
};

async function storeBatch(db: TabflowDb): Promise<void> {
  const cells: BatchCellRecord[] = Array.from({ length: ROWS }, (_, rowIndex) => ({
    key: cellRunId(BATCH_ID, rowIndex, 0),
    batchId: BATCH_ID,
    rowIndex,
    variantIndex: 0,
    variantId: 'v1',
    status: 'queued',
    attempt: 0,
  }));
  const batch: BatchRecord = {
    id: BATCH_ID,
    name: spec.name,
    workflowId: spec.workflowId,
    spec,
    variantWorkflows: [],
    columns: ['topic'],
    rowCount: ROWS,
    status: 'running',
    counts: { ...emptyCounts(), queued: ROWS },
    totals: { tokens: 0, costUsd: 0, judgeTokens: 0, judgeCostUsd: 0 },
    concurrency: 2,
    createdAt: 1_000,
    updatedAt: 1_000,
  };
  await insertBatch(db, batch, [{ topic: 'a' }, { topic: 'b' }, { topic: 'c' }], cells);
}

/** What the scheduler would write: cell `rowIndex` is now `status`. */
function setCell(db: TabflowDb, rowIndex: number, status: BatchCellRecord['status'], now: number) {
  const key = cellRunId(BATCH_ID, rowIndex, 0);
  return editBatch(db, BATCH_ID, { keys: [key] }, (_, [cell]) => ({ cells: [{ ...cell!, status }] }), now);
}

async function openScreen() {
  const db = freshDb();
  await storeBatch(db);
  const calls: string[] = [];
  const command = (name: string) => async (batchId: string) => void calls.push(`${name} ${batchId}`);
  const executor = {
    pauseExperiment: command('pause'),
    resumeExperiment: command('resume'),
    cancelExperiment: command('cancel'),
    retryFailedCells: async (batchId: string) => (calls.push(`retry ${batchId}`), 1),
  };
  renderWithExecutor(db, executor, <ExperimentScreen batchId={BATCH_ID} />);
  const region = await screen.findByRole('region', { name: spec.name });
  return { db, calls, region, user: userEvent.setup() };
}

const count = (region: HTMLElement, label: string) => within(region).getByTestId(`count-${label}`).textContent;

describe('the experiment screen', () => {
  it('shows what the experiment runs, and follows the batch record as cells finish', async () => {
    const { db, region } = await openScreen();
    expect(within(region).getByText('3 from the file topics.csv (CSV)')).toBeTruthy();
    expect(within(region).getByText(/: demo \/ demo-1$/)).toBeTruthy();
    expect(count(region, 'queued')).toBe('3');
    await setCell(db, 0, 'running', 2_000);
    await waitFor(() => expect(count(region, 'running')).toBe('1'));
    await setCell(db, 0, 'completed', 3_000);
    await setCell(db, 1, 'failed', 4_000);
    await waitFor(() => expect([count(region, 'done'), count(region, 'failed')]).toEqual(['1', '1']));
    const bar = within(region).getByRole('progressbar', { name: 'Runs finished' });
    expect(bar.getAttribute('aria-valuetext')).toBe('2 of 3 runs finished (67%)');
    // Two cells in the 3 s since the first write seen: one more takes about 1.5 s.
    await waitFor(() => expect(within(region).getByText(/about 2 s left/)).toBeTruthy());
    await setCell(db, 2, 'completed', 5_000);
    await waitFor(() => expect(within(region).getByText('done')).toBeTruthy());
    expect(within(region).queryByText(/left$/)).toBeNull();
  });

  it('sends Pause, Resume, Cancel and Retry failed to the executor, offering each when it applies', async () => {
    const { db, calls, region, user } = await openScreen();
    const toolbar = within(region).getByRole('toolbar', { name: 'Experiment commands' });
    expect(within(toolbar).getByRole('button', { name: 'Retry failed' })).toHaveProperty('disabled', true);
    await user.click(within(toolbar).getByRole('button', { name: 'Pause' }));
    expect(calls).toEqual([`pause ${BATCH_ID}`]);
    await editBatch(db, BATCH_ID, { keys: [] }, () => ({ batch: { status: 'paused' } }), 2_000);
    await user.click(await within(toolbar).findByRole('button', { name: 'Resume' }));
    expect(within(toolbar).queryByRole('button', { name: 'Pause' })).toBeNull();
    await setCell(db, 0, 'failed', 3_000);
    await user.click(await within(toolbar).findByRole('button', { name: 'Retry failed (1)' }));
    await user.click(within(toolbar).getByRole('button', { name: 'Cancel' }));
    expect(calls).toEqual([`pause ${BATCH_ID}`, `resume ${BATCH_ID}`, `retry ${BATCH_ID}`, `cancel ${BATCH_ID}`]);
  });

  it('an experiment that is not there says so', async () => {
    const db = freshDb();
    renderWithExecutor(db, {}, <ExperimentScreen batchId="nope" />);
    expect((await screen.findByTestId('not-found')).textContent).toContain('This experiment is not here');
  });
});
