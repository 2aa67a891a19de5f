import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunRecord } from '../../src/engine/records';
import type { TabflowDb } from '../../src/store/db';
import { AllRuns } from '../../src/ui/runlist/AllRuns';
import { parseRunFilters } from '../../src/ui/runlist/filters';
import { RunsPanel } from '../../src/ui/runs/RunsPanel';
import { useUi } from '../../src/ui/state';
import { freshDb, renderWithExecutor } from './helpers';
import { waitingRun } from './runFixtures';

/** A workflow's runs list and the all-runs screen leave an experiment's cell runs out unless asked. */
const executor = { storageFull: vi.fn(async () => []) };
const T0 = new Date(2026, 11, 1, 10, 0).getTime();

function run(id: string, at: number, fields: Partial<RunRecord> = {}): RunRecord {
  const createdAt = T0 + at * 60_000;
  return {
    ...waitingRun,
    id,
    workflowId: 'w1',
    status: 'completed',
    createdAt,
    updatedAt: createdAt + 1_000,
    finishedAt: createdAt + 1_000,
    ...fields,
  };
}

async function seed(db: TabflowDb): Promise<void> {
  await db.runs.bulkPut([
    run('mine', 1),
    run('cell-a', 2, { batchId: 'b1' }),
    run('cell-b', 3, { batchId: 'b1' }),
    run('older', 0),
  ]);
}

const shownRuns = () =>
  Array.from(screen.getByRole('list', { name: 'Runs' }).querySelectorAll('[data-run-id]')).map(
    (row) => (row as HTMLElement).dataset.runId,
  );

function AllRunsScreen() {
  const route = useUi((s) => s.route);
  return route.screen === 'allRuns' ? <AllRuns filters={route.filters} /> : <p>{route.screen}</p>;
}

afterEach(() => void (window.location.hash = ''));

describe("experiments' runs in the runs lists", () => {
  it("a workflow's runs list leaves them out by default; a toggle shows them and links to experiments", async () => {
    const db = freshDb();
    await seed(db);
    renderWithExecutor(db, executor, <RunsPanel workflowId="w1" />);
    await waitFor(() => expect(shownRuns()).toEqual(['mine', 'older']));
    expect(screen.getByRole('link', { name: 'Experiments' }).getAttribute('href')).toBe('#/experiments');
    await userEvent.click(screen.getByRole('checkbox', { name: 'Show 2 runs from experiments' }));
    await waitFor(() => expect(shownRuns()).toEqual(['cell-b', 'cell-a', 'mine', 'older']));
    expect(screen.getAllByText('experiment')).toHaveLength(2);
  });

  it("a cell run's own address still opens it in the workflow's runs tab", async () => {
    const db = freshDb();
    await seed(db);
    window.location.hash = '#/w/w1/runs/cell-a';
    renderWithExecutor(db, executor, <RunsPanel workflowId="w1" />);
    await waitFor(() => expect(shownRuns()).toEqual(['mine', 'older']));
    expect(await screen.findByRole('region', { name: /cell-a/ })).toBeTruthy();
  });

  it('the all-runs screen leaves them out unless its address says include or only', async () => {
    const db = freshDb();
    await seed(db);
    window.location.hash = '#/runs';
    renderWithExecutor(db, executor, <AllRunsScreen />);
    await waitFor(() => expect(shownRuns()).toEqual(['mine', 'older']));
    await userEvent.selectOptions(screen.getByLabelText('Experiments’ runs'), 'only');
    await waitFor(() => expect(shownRuns()).toEqual(['cell-b', 'cell-a']));
    expect(window.location.hash).toBe('#/runs/experiments=only');
    await userEvent.selectOptions(screen.getByLabelText('Experiments’ runs'), 'include');
    await waitFor(() => expect(shownRuns()).toHaveLength(4));
    expect(parseRunFilters(['experiments=some'])).toEqual({
      ok: false,
      problem: 'the “experiments” filter is “include” or “only”, not “some”',
    });
  });
});
