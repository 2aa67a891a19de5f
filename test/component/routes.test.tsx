import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import type { StepRecord } from '../../src/engine/records';
import type { TabflowDb } from '../../src/store/db';
import { createWorkflow } from '../../src/store/workflows';
import { TEMPLATES } from '../../src/templates';
import { formatRoute } from '../../src/ui/routing/routes';
import { freshDb, renderApp, workflowItems } from './helpers';
import { waitingRun, waitingStep } from './runFixtures';

const TEMPLATE = TEMPLATES[0]!.doc;
const NAME = TEMPLATE.workflowConfig.name;
/** A step key with every character that breaks a naive address. */
const ODD_KEY = 'run1:a/b #c %2F?d=1 é🙂 __proto__@';

async function seeded(): Promise<{ db: TabflowDb; workflowId: string }> {
  const db = freshDb();
  const { id } = await createWorkflow(db, TEMPLATE);
  const run = { ...waitingRun, workflowId: id, status: 'completed' as const, finishedAt: 1 };
  await db.runs.put(run);
  const steps: StepRecord[] = [
    waitingStep('first', { seq: 1, status: 'completed', endedAt: 1, output: { ok: 1 } } as Partial<StepRecord>),
    waitingStep('odd', { key: ODD_KEY, seq: 2, status: 'completed', endedAt: 1, output: 'odd' } as Partial<StepRecord>),
  ];
  await db.steps.bulkPut(steps);
  return { db, workflowId: id };
}

/** As if the address had been pasted into a fresh tab. */
function openAt(path: string) {
  history.replaceState(null, '', `/#${path}`);
}

const tab = (name: string) => screen.getByRole('tab', { name });
/** The run's detail; its records come through live queries, slow on a loaded machine. */
const runRegion = () => screen.findByRole('region', { name: 'Run run1' }, { timeout: 5_000 });
const back = () => act(async () => history.back());

describe('every screen has an address', () => {
  test('opening a workflow and its tabs changes the address; Back and Forward return there', async () => {
    const { db, workflowId } = await seeded();
    const app = renderApp(db);
    await waitFor(() => expect(workflowItems()).toHaveLength(1));
    await app.user.click(within(workflowItems()[0]!).getByRole('button', { name: new RegExp(NAME) }));
    expect(location.hash).toBe(`#/w/${workflowId}/json`);
    await screen.findByRole('tab', { name: 'Graph' }, { timeout: 5_000 });
    await app.user.click(tab('Graph'));
    expect(location.hash).toBe(`#/w/${workflowId}/graph`);
    await app.user.click(tab('Runs'));
    expect(location.hash).toBe(`#/w/${workflowId}/runs`);
    await app.user.click(await screen.findByRole('button', { name: /^completed/ }, { timeout: 5_000 }));
    expect(location.hash).toBe(`#/w/${workflowId}/runs/run1`);

    await back();
    await waitFor(() => expect(location.hash).toBe(`#/w/${workflowId}/runs`));
    await back();
    await waitFor(() => expect(tab('Graph').getAttribute('aria-selected')).toBe('true'));
    await back();
    await waitFor(() => expect(tab('JSON').getAttribute('aria-selected')).toBe('true'));
    await back();
    await waitFor(() => expect(screen.queryByRole('tab', { name: 'JSON' })).toBeNull());
    await act(async () => history.forward());
    await waitFor(() => expect(tab('JSON').getAttribute('aria-selected')).toBe('true'));
  });

  test('selecting a step with odd characters in its key puts it in the address; a reload shows it again', async () => {
    const { db, workflowId } = await seeded();
    openAt(formatRoute({ screen: 'run', workflowId, runId: 'run1' }));
    const app = renderApp(db);
    const row = await waitFor(() => {
      const found = document.querySelector<HTMLElement>('[data-step-slug="odd"]');
      expect(found).not.toBeNull();
      return found!;
    });
    await app.user.click(within(row).getByRole('link', { name: 'Select' }));
    expect(location.hash).toBe(`#${formatRoute({ screen: 'step', workflowId, runId: 'run1', stepKey: ODD_KEY })}`);
    expect(row.getAttribute('aria-current')).toBe('step');

    app.remount();
    const again = await waitFor(() => {
      const selected = document.querySelector<HTMLElement>('.step-row[aria-current="step"]');
      expect(selected).not.toBeNull();
      return selected!;
    });
    expect(again.dataset.stepKey).toBe(ODD_KEY);
    // Its inspector shows beside the list (the row's own output stays folded).
    await waitFor(() => expect(screen.getByTestId('step-inspector').dataset.stepKey).toBe(ODD_KEY), {
      timeout: 5_000,
    });
    expect(document.querySelectorAll('.step-row[aria-current="step"]')).toHaveLength(1);
    // "Selected" goes back to the whole run.
    fireEvent.click(within(again).getByRole('link', { name: 'Selected' }));
    expect(location.hash).toBe(`#/w/${workflowId}/runs/run1`);
  });

  test('a deleted workflow, unknown run, unknown step or malformed address says so, with the way home', async () => {
    const { db, workflowId } = await seeded();
    const cases: Array<[string, RegExp]> = [
      [formatRoute({ screen: 'workflow', workflowId: 'gone', tab: 'json' }), /This workflow is not here/],
      [formatRoute({ screen: 'run', workflowId, runId: 'no-such-run' }), /This run is not here/],
      [formatRoute({ screen: 'step', workflowId, runId: 'run1', stepKey: 'run1:nope@' }), /not in the run/],
      ['/w/x/runs/%E0%A4%A', /This address leads nowhere/],
      ['/no/such/screen', /This address leads nowhere/],
    ];
    for (const [path, title] of cases) {
      openAt(path);
      const app = renderApp(db);
      const notice = await screen.findByTestId('not-found', {}, { timeout: 5_000 });
      expect(notice.textContent, path).toMatch(title);
      await app.user.click(within(notice).getByRole('link', { name: 'Go to the library' }));
      await waitFor(() => expect(screen.queryByTestId('not-found')).toBeNull());
      expect(location.hash).toBe('#/');
      app.unmount();
    }
  });

  test('deleting the run the address names moves the address to the runs tab', async () => {
    const { db, workflowId } = await seeded();
    openAt(formatRoute({ screen: 'run', workflowId, runId: 'run1' }));
    const app = renderApp(db);
    const run = await runRegion();
    await app.user.click(within(run).getByRole('button', { name: 'Delete run' }));
    await app.user.click(within(run).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(location.hash).toBe(`#/w/${workflowId}/runs`));
    expect(await screen.findByText(/No runs yet/)).toBeTruthy();
    expect(screen.queryByTestId('not-found')).toBeNull();
  });

  test('Tables and Settings have addresses; closing one returns to where you were', async () => {
    const { db, workflowId } = await seeded();
    openAt(formatRoute({ screen: 'run', workflowId, runId: 'run1' }));
    const app = renderApp(db);
    await runRegion();
    await app.user.click(screen.getByRole('button', { name: 'Tables' }));
    expect(location.hash).toBe('#/tables');
    expect(screen.getByRole('dialog', { name: 'Tables' })).toBeTruthy();
    // The screen under the dialog stays as it was.
    expect(screen.getByRole('region', { name: 'Run run1' })).toBeTruthy();

    app.remount();
    const dialog = await screen.findByRole('dialog', { name: 'Tables' });
    expect(await runRegion()).toBeTruthy();
    fireEvent.keyDown(dialog, { key: 'Escape' });
    await waitFor(() => expect(location.hash).toBe(`#/w/${workflowId}/runs/run1`));
    expect(screen.queryByRole('dialog')).toBeNull();
    await act(async () => history.forward());
    await screen.findByRole('dialog', { name: 'Tables' }, { timeout: 5_000 });
  });

  test('a pasted Settings address opens Settings over home; closing it leaves home', async () => {
    openAt('/settings');
    const app = renderApp();
    const dialog = await screen.findByRole('dialog', { name: 'Settings' });
    await app.user.click(within(dialog).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(location.hash).toBe('#/');
  });
});
