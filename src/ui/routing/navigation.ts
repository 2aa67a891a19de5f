import type { StoreApi } from 'zustand/vanilla';
import type { Dialog, UiState } from '../state';
import type { LocationPort } from './hashLocation';
import {
  formatRoute,
  isDialogRoute,
  LIBRARY,
  parseRoute,
  runViewOfRoute,
  selectionOf,
  workflowRoute,
  type Route,
  type RunView,
} from './routes';

/** The part of the UI store that is the address bar's: where the user is, and the dialog it names. */
type Navigation = Pick<
  UiState,
  | 'route'
  | 'background'
  | 'dialog'
  | 'selectedId'
  | 'workflowTab'
  | 'selectedRunId'
  | 'selectedStepKey'
  | 'select'
  | 'showRun'
  | 'showStep'
  | 'showRunView'
  | 'setWorkflowTab'
  | 'showAllRuns'
  | 'goTo'
  | 'openDialog'
  | 'closeDialog'
  | 'syncLocation'
>;

/**
 * The store's location state and actions. Every action navigates (wouter's hash location); the state
 * is derived from the route it navigated to, or from the one `syncLocation` reads after Back/Forward.
 */
export function createNavigation(
  location: LocationPort,
  set: StoreApi<UiState>['setState'],
  get: StoreApi<UiState>['getState'],
): Navigation {
  /** Dialogs that have no address (run form, import preview…). */
  let heldDialog: Dialog = { kind: 'none' };
  /** The last Tables/Settings dialog asked for, with its options (Settings' `provider`), for its address. */
  let addressedDialog: Dialog = { kind: 'none' };
  /** The run (and step) last open per workflow, so the Runs tab reopens on it. */
  const lastRun = new Map<string, { runId: string; stepKey: string | null; runView: RunView }>();

  const stateOf = (route: Route) => {
    const background = isDialogRoute(route) ? backgroundOf(location.returnTo()) : route;
    const selection = selectionOf(background);
    if (selection.selectedId && selection.selectedRunId) {
      lastRun.set(selection.selectedId, {
        runId: selection.selectedRunId,
        stepKey: selection.selectedStepKey,
        runView: runViewOfRoute(background),
      });
    }
    const dialog: Dialog = !isDialogRoute(route)
      ? heldDialog
      : addressedDialog.kind === route.screen
        ? addressedDialog
        : { kind: route.screen };
    return { route, background, dialog, ...selection };
  };
  const go = (route: Route, replace = false) => {
    const path = formatRoute(route);
    if (path === formatRoute(get().route)) return;
    const returnTo = isDialogRoute(route) ? formatRoute(get().background) : undefined;
    location.navigate(path, { replace, returnTo });
    set(stateOf(route));
  };
  /** Off a Tables/Settings address: Back when this tab pushed it over a screen (Forward reopens it), else replaced. */
  const leaveDialogRoute = () => {
    if (location.returnTo() !== null) location.back();
    else go(get().background, true);
  };
  const inRun = (runId: string | null, stepKey: string | null) => {
    const { selectedId, selectedRunId, route } = get();
    // Another step of the same run keeps the run's view (Graph, Timeline).
    const runView = runId !== null && runId === selectedRunId ? runViewOfRoute(route) : undefined;
    if (selectedId) go(workflowRoute(selectedId, { tab: 'runs', runId, stepKey, runView }));
  };

  return {
    ...stateOf(parseRoute(location.path())),
    select: (id) => {
      // Choosing the open workflow again keeps its tab (and run).
      if (id !== null && get().selectedId === id && !isDialogRoute(get().route)) return;
      go(id === null ? LIBRARY : workflowRoute(id, { tab: 'json' }));
    },
    showRun: (runId) => inRun(runId, null),
    showStep: (runId, stepKey) => inRun(runId, stepKey),
    showRunView: (view) => {
      const { route } = get();
      if (route.screen !== 'run' && route.screen !== 'step') return;
      const { view: _shown, ...rest } = route;
      go(view === 'steps' ? rest : { ...rest, view });
    },
    setWorkflowTab: (tab) => {
      const { selectedId } = get();
      if (!selectedId) return;
      go(workflowRoute(selectedId, tab === 'runs' ? { tab, ...lastRun.get(selectedId) } : { tab }));
    },
    showAllRuns: (filters, options) => go({ screen: 'allRuns', filters }, options?.replace ?? false),
    goTo: (route, options) => go(route, options?.replace ?? false),
    openDialog: (dialog) => {
      if (dialog.kind === 'tables' || dialog.kind === 'settings') {
        addressedDialog = dialog;
        // Already there (e.g. Settings at another provider): only the options change.
        if (get().route.screen === dialog.kind) return set({ dialog });
        // From one dialog address to the other: replace, so closing still returns to the screen below.
        return go({ screen: dialog.kind }, isDialogRoute(get().route));
      }
      heldDialog = dialog;
      // Over Tables/Settings it takes their place: the screen below comes back with it.
      if (isDialogRoute(get().route)) leaveDialogRoute();
      else set({ dialog });
    },
    closeDialog: () => {
      if (!isDialogRoute(get().route)) {
        heldDialog = { kind: 'none' };
        return set({ dialog: heldDialog });
      }
      leaveDialogRoute();
    },
    syncLocation: (hashPath) => {
      const route = parseRoute(hashPath);
      if (formatRoute(route) !== formatRoute(get().route)) set(stateOf(route));
    },
  };
}

/** The screen under a dialog address: the one saved with its entry, or home for a pasted one. */
function backgroundOf(returnTo: string | null): Route {
  const route = returnTo === null ? LIBRARY : parseRoute(returnTo);
  return isDialogRoute(route) ? LIBRARY : route;
}
