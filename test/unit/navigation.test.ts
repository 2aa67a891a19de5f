import { describe, expect, test } from 'vitest';
import type { LocationPort } from '../../src/ui/routing/hashLocation';
import { createUiStore } from '../../src/ui/state';

/** A session history in memory: entries with the screen a dialog address was opened over. */
function memoryHistory(start = '/') {
  const entries: Array<{ path: string; returnTo: string | null }> = [{ path: start, returnTo: null }];
  let at = 0;
  let onChange: (path: string) => void = () => undefined;
  const port: LocationPort = {
    path: () => entries[at]!.path,
    returnTo: () => entries[at]!.returnTo,
    navigate: (path, { replace, returnTo }) => {
      const entry = { path, returnTo: returnTo ?? null };
      if (replace) entries[at] = entry;
      else entries.splice(++at, entries.length, entry);
    },
    back: () => {
      at = Math.max(0, at - 1);
      onChange(entries[at]!.path);
    },
  };
  return {
    port,
    paths: () => entries.map((e) => e.path),
    at: () => at,
    follow: (sync: (path: string) => void) => (onChange = sync),
  };
}

function storeAt(start?: string) {
  const history = memoryHistory(start);
  const store = createUiStore(history.port);
  history.follow((path) => store.getState().syncLocation(path));
  return { history, store, state: () => store.getState() };
}

describe('the UI store navigates', () => {
  test('select, showRun, showStep and setWorkflowTab each push an address; the state is read from it', () => {
    const { history, state } = storeAt();
    state().select('w1');
    state().showRun('r1');
    state().showStep('r1', 'k/1');
    expect(history.paths()).toEqual(['/', '/w/w1/json', '/w/w1/runs/r1', '/w/w1/runs/r1/steps/k%2F1']);
    expect(state()).toMatchObject({
      selectedId: 'w1',
      workflowTab: 'runs',
      selectedRunId: 'r1',
      selectedStepKey: 'k/1',
    });
    // Back on the JSON tab, the Runs tab reopens on the run and step last open.
    state().setWorkflowTab('json');
    state().setWorkflowTab('runs');
    expect(history.paths().at(-1)).toBe('/w/w1/runs/r1/steps/k%2F1');
    // Choosing the open workflow again keeps its tab; choosing nothing goes home.
    state().select('w1');
    expect(state().workflowTab).toBe('runs');
    state().select(null);
    expect(state().route).toEqual({ screen: 'library' });
  });

  test('from a malformed address, select(null) still goes home', () => {
    const { history, state } = storeAt('/what/is/this');
    expect(state().route.screen).toBe('malformed');
    state().select(null);
    expect(history.paths()).toEqual(['/what/is/this', '/']);
    expect(state().route).toEqual({ screen: 'library' });
  });

  test('Tables then Settings: one entry over the screen; closing goes Back to that screen', () => {
    const { history, state } = storeAt('/w/w1/runs/r1');
    state().openDialog({ kind: 'tables' });
    state().openDialog({ kind: 'settings', provider: 'Local' });
    expect(history.paths()).toEqual(['/w/w1/runs/r1', '/settings']);
    expect(state().dialog).toEqual({ kind: 'settings', provider: 'Local' });
    expect(state()).toMatchObject({ selectedId: 'w1', selectedRunId: 'r1' });
    state().closeDialog();
    expect(history.at()).toBe(0);
    expect(state().dialog).toEqual({ kind: 'none' });
    expect(state().selectedRunId).toBe('r1');
  });

  test('a pasted dialog address closes onto home, replacing its entry', () => {
    const { history, state } = storeAt('/tables');
    expect(state()).toMatchObject({ dialog: { kind: 'tables' }, background: { screen: 'library' } });
    state().closeDialog();
    expect(history.paths()).toEqual(['/']);
    expect(state().dialog).toEqual({ kind: 'none' });
  });

  test('a dialog without an address opened over Tables takes its place', () => {
    const { history, state } = storeAt('/w/w1/json');
    state().openDialog({ kind: 'tables' });
    state().openDialog({ kind: 'paste' });
    expect(history.paths()).toEqual(['/w/w1/json', '/tables']);
    expect(history.at()).toBe(0);
    expect(state().dialog).toEqual({ kind: 'paste' });
    state().closeDialog();
    expect(state()).toMatchObject({ dialog: { kind: 'none' }, selectedId: 'w1' });
  });
});
