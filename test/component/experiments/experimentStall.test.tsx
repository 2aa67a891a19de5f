import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StepRecord } from '../../../src/engine/records';
import { cellRunId } from '../../../src/schema/experiment';
import { editBatch, type BatchCellRecord } from '../../../src/store/batches';
import type { TabflowDb } from '../../../src/store/db';
import { ExperimentScreen } from '../../../src/ui/experiments/ExperimentScreen';
import { STALL_AFTER_MS } from '../../../src/ui/experiments/stall';
import { freshDb, renderWithExecutor } from '../helpers';
import { storeExperiment } from './resultsFixtures';

/**
 * A batch whose running cells make no progress (a provider that never answers) says so: for how long, what it
 * waits on, what to do; it goes away by itself when a cell finishes. The clock is faked (Date and the ticking
 * interval only: IndexedDB and liveQuery run on real timers).
 */

const BATCH_ID = 'b-stall';
const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const VARIANTS = [{ id: 'v1', label: 'Remote', model: { provider: 'openai', model: 'gpt-4o-mini' } }];

/** Two rows, one variant, every cell queued; the record last written at T0. */
async function storeBatch(db: TabflowDb) {
  const batch = await storeExperiment(db, { id: BATCH_ID, rows: [{ topic: 'a' }, { topic: 'b' }], variants: VARIANTS });
  await editBatch(db, BATCH_ID, { keys: [] }, () => ({}), T0);
  return batch;
}

/** What the scheduler writes: cell `rowIndex` now `status` (its run started at T0), the record written `now`. */
function setCell(db: TabflowDb, rowIndex: number, status: BatchCellRecord['status'], now: number) {
  const key = cellRunId(BATCH_ID, rowIndex, 0);
  return editBatch(
    db,
    BATCH_ID,
    { keys: [key] },
    (_, [cell]) => ({ cells: [{ ...cell!, status, runId: key, startedAt: T0 }] }),
    now,
  );
}

/** The cell run's LLM step, asked of the provider and never answered. */
function modelStepInFlight(runId: string): StepRecord {
  return {
    kind: 'step',
    key: `${runId}:classify@`,
    runId,
    slug: 'classify',
    path: '',
    stepType: 'llm',
    seq: 1,
    status: 'started',
    attempts: [{ n: 1, startedAt: T0, outcome: 'running' }],
    interruptions: 0,
    input: { userPrompt: 'Classify a', provider: 'openai', model: 'gpt-4o-mini' },
    startedAt: T0,
  } as StepRecord;
}

async function openScreen(db: TabflowDb) {
  renderWithExecutor(db, {}, <ExperimentScreen batchId={BATCH_ID} />);
  return screen.findByRole('region', { name: 'Sentiment check' });
}

/** Lets the clock run on by `ms` (the interval ticks) and the reads settle. */
async function wait(ms: number) {
  await act(async () => {
    vi.advanceTimersByTime(ms);
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
  vi.setSystemTime(T0);
});
afterEach(() => {
  vi.useRealTimers();
  window.location.hash = '';
});

describe('a stalled experiment', () => {
  it('says for how long nothing finished, what it waits on and what to do; gone once a cell finishes', async () => {
    const db = freshDb();
    await storeBatch(db);
    await setCell(db, 0, 'running', T0);
    await setCell(db, 1, 'running', T0);
    const runId = cellRunId(BATCH_ID, 0, 0);
    await db.steps.put(modelStepInFlight(runId));
    const region = await openScreen(db);

    // A minute in: still nothing said (a model round may take that long).
    await wait(60_000);
    expect(within(region).queryByTestId('experiment-stall')).toBeNull();

    await wait(STALL_AFTER_MS);
    const stall = await within(region).findByTestId('experiment-stall');
    expect(stall.textContent).toContain('No progress for 3 min');
    await waitFor(() =>
      expect(stall.textContent).toContain('waiting on openai / gpt-4o-mini, a model answer for step “classify”'),
    );
    expect(stall.textContent).toContain('2 runs still in flight');
    expect(stall.textContent).toMatch(/Pause .*Cancel/);
    // The elapsed time follows the clock.
    await wait(2 * 60_000);
    expect(stall.textContent).toContain('No progress for 5 min');
    // Check the key: Settings opens.
    fireEvent.click(within(stall).getByRole('button', { name: 'Check the provider in Settings' }));
    expect(window.location.hash).toBe('#/settings');

    // A cell finishes: progress again, the notice goes by itself (read reactively, no polling).
    await act(async () => {
      await setCell(db, 1, 'completed', Date.now());
    });
    await waitFor(() => expect(within(region).queryByTestId('experiment-stall')).toBeNull());
  });

  it('a cell waiting for the user (approval) or a paused batch is not a stall', async () => {
    const db = freshDb();
    await storeBatch(db);
    await setCell(db, 0, 'waiting', T0);
    const region = await openScreen(db);
    await wait(STALL_AFTER_MS * 3);
    expect(within(region).queryByTestId('experiment-stall')).toBeNull();
    await act(async () => {
      await setCell(db, 1, 'running', T0);
      await editBatch(db, BATCH_ID, { keys: [] }, () => ({ batch: { status: 'paused' } }), T0);
    });
    await wait(STALL_AFTER_MS * 3);
    expect(within(region).queryByTestId('experiment-stall')).toBeNull();
  });
});
