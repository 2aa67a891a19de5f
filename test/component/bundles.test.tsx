import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import type { RunRecord } from '../../src/engine/records';
import { LIMITS } from '../../src/schema/limits';
import type { RunBundle } from '../../src/schema/runBundle';
import type { WorkflowFile } from '../../src/schema/workflow';
import { exportRunBundle, importRunBundle } from '../../src/store/bundles';
import { listWorkflows } from '../../src/store/workflows';
import { RunBundleControls } from '../../src/ui/bundles/RunBundleControls';
import { openedBundleDbs, recordedRun } from '../support/bundles';
import { freshDb, renderApp, renderWithExecutor } from './helpers';

/** Opening a bundle through the import flow, and the replay controls of a run opened from one. */

let bundle: RunBundle;
beforeAll(async () => {
  const { source, runId } = await recordedRun();
  bundle = await exportRunBundle(source.db, runId);
});
afterEach(async () => {
  await Promise.all(openedBundleDbs.splice(0).map((db) => db.delete()));
});

async function bundleDialog() {
  const dialog = await screen.findByRole('dialog', { name: 'Open a run bundle' });
  await waitFor(() => expect(within(dialog).queryByText('Checking…')).toBeNull());
  return dialog;
}

describe('opening a run bundle', () => {
  // The run screens load lazily: on a loaded machine that takes seconds in jsdom.
  test(
    'a bundle file goes through the import flow and opens as a read-only imported run',
    { timeout: 30_000 },
    async () => {
      const db = freshDb();
      const app = renderApp(db);
      const file = new File([JSON.stringify(bundle)], 'story.tabflow-bundle.json', { type: 'application/json' });
      await app.user.upload(screen.getByLabelText('Workflow file'), file);
      const dialog = await bundleDialog();
      expect(within(dialog).getByText('Story')).toBeTruthy();
      expect(within(dialog).getByText(/2 model answers/)).toBeTruthy();
      await app.user.click(within(dialog).getByRole('button', { name: 'Open run' }));
      expect(await screen.findByText(/Opened from a run bundle/, {}, { timeout: 20_000 })).toBeTruthy();
      const runs = await db.runs.toArray();
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ status: 'completed', importedFrom: { exportedAt: bundle.exportedAt } });
      expect((await listWorkflows(db)).map((w) => w.name)).toEqual(['Story']);
      // Read-only: no restart or fork on its steps.
      expect(screen.queryByRole('button', { name: 'Restart from here' })).toBeNull();
    },
  );

  test('a hostile bundle pasted: the problem names its JSON path, and nothing is opened or saved', async () => {
    const db = freshDb();
    const app = renderApp(db);
    const hostile = structuredClone(bundle) as RunBundle & { steps: Array<Record<string, unknown>> };
    hostile.steps[0]!.seq = 'zero';
    await app.user.click(screen.getByRole('button', { name: 'Paste JSON' }));
    const paste = screen.getByRole('dialog', { name: 'Paste JSON' });
    fireEvent.change(within(paste).getByRole('textbox'), { target: { value: JSON.stringify(hostile) } });
    await app.user.click(within(paste).getByRole('button', { name: 'Preview import' }));
    const dialog = await bundleDialog();
    expect(within(dialog).getByText('$.steps[0].seq')).toBeTruthy();
    const open = within(dialog).getByRole('button', { name: 'Open run' }) as HTMLButtonElement;
    expect(open.disabled).toBe(true);
    await app.user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(await db.runs.count()).toBe(0);
    expect(await listWorkflows(db)).toEqual([]);
  });
});

test('a bundle file over the workflow import limit is read as a bundle, under the bundle limit', async () => {
  const db = freshDb();
  const app = renderApp(db);
  const padding = Array.from({ length: 3 }, () => 'p'.repeat(1_900_000));
  const padded = JSON.stringify({ ...bundle, padding });
  expect(padded.length).toBeGreaterThan(LIMITS.importBytes);
  const file = new File([padded], 'large.tabflow-bundle.json', { type: 'application/json' });
  await app.user.upload(screen.getByLabelText('Workflow file'), file);
  const dialog = await bundleDialog();
  // Read and checked as a bundle, not refused by the 4 MB limit of workflow files.
  expect(within(dialog).getByText('Story')).toBeTruthy();
  expect((within(dialog).getByRole('button', { name: 'Open run' }) as HTMLButtonElement).disabled).toBe(false);
});

describe('replay controls', () => {
  async function importedRun() {
    const db = freshDb();
    const { run } = await importRunBundle(db, bundle);
    return { db, run };
  }

  test('Replay replays as recorded; Edit prompts sends the definition with the edited prompt only', async () => {
    const { db, run } = await importedRun();
    const replayRun = vi.fn(async () => 'replay-1');
    const user = userEvent.setup();
    renderWithExecutor(db, { replayRun }, <RunBundleControls run={run} />);
    await user.click(screen.getByRole('button', { name: 'Replay' }));
    expect(replayRun).toHaveBeenCalledWith(run.id);

    await user.click(screen.getByRole('button', { name: /Edit prompts/ }));
    const dialog = screen.getByRole('dialog', { name: 'Edit prompts and replay' });
    const polish = await within(dialog).findByLabelText(/polish/);
    fireEvent.change(polish, { target: { value: 'Shorten: {{steps.draft.output}}' } });
    expect(within(dialog).getByText('1 prompt(s) edited.')).toBeTruthy();
    await user.click(within(dialog).getByRole('button', { name: 'Replay with these prompts' }));
    await waitFor(() => expect(replayRun).toHaveBeenCalledTimes(2));
    const sent = (replayRun.mock.calls[1] as unknown as [string, WorkflowFile])[1];
    const prompts = sent.stepsConfig.flatMap((s) =>
      s.stepType === 'llm' ? [[s.stepSlug, s.config.llmNode.userPrompt]] : [],
    );
    expect(prompts).toEqual([
      ['draft', 'Write about {{input.value}}'],
      ['polish', 'Shorten: {{steps.draft.output}}'],
    ]);
  });

  test('a run too large for a link says so and offers the file', async () => {
    const db = freshDb();
    const random = () => Math.random().toString(36).slice(2);
    const huge = Array.from({ length: 20_000 }, random).join('');
    const exportRunBundle = vi.fn(async () => huge);
    const run = { id: 'r1', workflowName: 'Big', status: 'completed' } as RunRecord;
    const user = userEvent.setup();
    renderWithExecutor(db, { exportRunBundle }, <RunBundleControls run={run} />);
    await user.click(screen.getByRole('button', { name: 'Bundle link' }));
    const notice = await screen.findByText(/too large for a link/);
    expect(notice.textContent).toMatch(/a link holds 98 KB at most/);
    expect(within(notice).getByRole('button', { name: 'Download the file instead' })).toBeTruthy();
    expect(screen.queryByLabelText(/Bundle link \(opens/)).toBeNull();
  });
});
