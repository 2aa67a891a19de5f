import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunRecord } from '../../src/engine/records';
import type { RunBundle } from '../../src/schema/runBundle';
import { exportRunBundle, importRunBundle } from '../../src/store/bundles';
import { RunBundleControls } from '../../src/ui/bundles/RunBundleControls';
import { DbProvider } from '../../src/ui/DbContext';
import { ExecutorProvider } from '../../src/ui/ExecutorContext';
import { RunRow } from '../../src/ui/runlist/RunRow';
import { UiStoreProvider, useUi } from '../../src/ui/state';
import { SelectedStep } from '../../src/ui/stepview/SelectedStep';
import { RunVersionLink } from '../../src/ui/versions/RunVersion';
import type { ExecutorApi } from '../../src/worker/api';
import { openedBundleDbs, recordedRun } from '../support/bundles';
import { freshDb, renderWithExecutor } from './helpers';

/** Imported runs and replays say what they are: badges in the runs list, what a replay ran; Escape closes a step. */

let bundle: RunBundle;
beforeAll(async () => {
  const { source, runId } = await recordedRun();
  bundle = await exportRunBundle(source.db, runId);
});
afterEach(async () => {
  await Promise.all(openedBundleDbs.splice(0).map((db) => db.delete()));
  window.location.hash = '';
});

async function importedWithReplay(edited: boolean) {
  const db = freshDb();
  const { run } = await importRunBundle(db, bundle);
  const { importedFrom: _i, ...rest } = run;
  const replay: RunRecord = {
    ...rest,
    id: 'replay1',
    replayOf: run.id,
    workflowHash: edited ? 'f'.repeat(64) : run.workflowHash,
  };
  await db.runs.put(replay);
  return { db, run, replay };
}

describe('runs opened from a bundle, and their replays', () => {
  it('the runs list marks an imported run and a replay', async () => {
    const { db, run, replay } = await importedWithReplay(false);
    renderWithExecutor(
      db,
      {},
      <ul>
        <RunRow run={run} />
        <RunRow run={replay} />
      </ul>,
    );
    const [imported, replayed] = screen.getAllByRole('listitem');
    expect(within(imported!).getByText('imported')).toBeTruthy();
    expect(within(replayed!).getByText('replay')).toBeTruthy();
    expect(within(imported!).queryByText('replay')).toBeNull();
  });

  it.each([
    [false, 'as-recorded', /A replay of a bundle’s run: unchanged requests/],
    [true, 'edited', /on an edited copy of its workflow/],
  ])('a replay (edited: %s) says what it ran, never "from before version history"', async (edited, kind, text) => {
    const { db, replay } = await importedWithReplay(edited);
    renderWithExecutor(
      db,
      {},
      <>
        <RunVersionLink run={replay} />
        <RunBundleControls run={replay} />
      </>,
    );
    const note = await screen.findByText(text);
    await waitFor(() => expect(note.closest('[data-replay]')?.getAttribute('data-replay')).toBe(kind));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(screen.queryByText(/before version history/)).toBeNull();
  });
});

function SelectedKey() {
  return <output data-testid="selected-step">{useUi((s) => s.selectedStepKey) ?? ''}</output>;
}

describe('the step panel', () => {
  it('closes on Escape and gives focus back to what opened it', async () => {
    const { db, run } = await importedWithReplay(false);
    const stepKey = `${run.id}:polish@`;
    window.location.hash = `#/w/${run.workflowId}/runs/${run.id}`;
    const executor = { storageFull: vi.fn(async () => []) };
    render(
      <DbProvider db={db}>
        <UiStoreProvider>
          <ExecutorProvider executor={executor as unknown as ExecutorApi}>
            <button type="button">polish node</button>
            <SelectedStep run={run} names={new Map()} onError={(e) => void e} />
            <SelectedKey />
          </ExecutorProvider>
        </UiStoreProvider>
      </DbProvider>,
    );
    const opener = screen.getByRole('button', { name: 'polish node' });
    opener.focus();
    act(() => {
      window.location.hash = `#/w/${run.workflowId}/runs/${run.id}/steps/${encodeURIComponent(stepKey)}`;
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
    await screen.findByTestId('step-inspector', {}, { timeout: 5_000 });
    fireEvent.keyDown(document.activeElement ?? document.body, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('step-inspector')).toBeNull());
    expect(screen.getByTestId('selected-step').textContent).toBe('');
    expect(document.activeElement).toBe(opener);
  });
});
