import { createContext, createElement, useContext, useLayoutEffect, useState, type ReactNode } from 'react';
import { useHashLocation } from 'wouter/use-hash-location';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { hashLocation, type LocationPort } from './routing/hashLocation';
import { createNavigation } from './routing/navigation';
import type { Route, RouteSelection, RunView, WorkflowTab } from './routing/routes';
import type { RunFilters } from './runlist/filters';

/**
 * UI-only view state: where the user is (mirrored from the address bar, which is the source of truth),
 * which dialog is up, which toasts show. Durable state (workflows, drafts) lives in Dexie and is read
 * with liveQuery, never copied here.
 */

export type ImportSource = 'file' | 'drop' | 'paste' | 'link';

/** What the import preview shows: text to check, or a reason it could not even be read. */
export type PreviewRequest = { source: ImportSource; label: string; sizeBytes?: number } & (
  { text: string } | { error: string }
);

export type Dialog =
  | { kind: 'none' }
  | { kind: 'run'; workflowId: string }
  | { kind: 'fork'; runId: string; stepKey: string; output: unknown }
  | { kind: 'event'; runId: string; eventName?: string }
  | { kind: 'tables' }
  /** `provider`: open at this provider's entry (its name; '' = the default one), e.g. after "key rejected". */
  | { kind: 'settings'; provider?: string }
  | { kind: 'paste' }
  | { kind: 'shortcuts' }
  /** The versions of a workflow, opened at `versionId` (say, the one a run ran). */
  | { kind: 'versions'; workflowId: string; versionId?: string }
  | { kind: 'preview'; request: PreviewRequest };

export type ToastTone = 'info' | 'success' | 'warning' | 'error';

export interface Toast {
  id: number;
  message: string;
  tone: ToastTone;
  action?: { label: string; run: () => void };
  /** How long the toast stays; undo toasts stay longer than confirmations. */
  durationMs: number;
}

/** The views of an open workflow: `'json' | 'graph' | 'runs'` (defined with the routes that name them). */
export type { WorkflowTab } from './routing/routes';

export interface UiState extends RouteSelection {
  /**
   * Where the user is, as the address bar says (`#/w/<id>/runs/<run>`…): the URL is the source of truth,
   * and `selectedId`, `workflowTab`, `selectedRunId`, `selectedStepKey` are derived from it. The actions
   * below navigate; Back/Forward and a pasted address come in through `syncLocation`.
   */
  route: Route;
  /** The screen under the Tables or Settings dialog (`route` itself otherwise). */
  background: Route;
  /** The open dialog: Tables and Settings from the address, the others held here. */
  dialog: Dialog;
  toasts: Toast[];
  select(id: string | null): void;
  showRun(runId: string | null): void;
  /** Selects a step of the open run (null: the whole run). */
  showStep(runId: string, stepKey: string | null): void;
  /** Shows another view of the open run (Steps, Graph, Timeline): a new address, so Back returns to the last one. */
  showRunView(view: RunView): void;
  setWorkflowTab(tab: WorkflowTab): void;
  /** The all-runs screen with these filters (`replace`: this entry is edited in place, e.g. while typing a search). */
  showAllRuns(filters: RunFilters, options?: { replace?: boolean }): void;
  /** Any screen by its route (e.g. an experiment once it started). */
  goTo(route: Route, options?: { replace?: boolean }): void;
  openDialog(dialog: Dialog): void;
  closeDialog(): void;
  /** Follows the address bar (hash path, e.g. `/w/abc/json`) after Back, Forward, a typed or pasted URL. */
  syncLocation(hashPath: string): void;
  showToast(toast: Omit<Toast, 'id' | 'durationMs' | 'tone'> & Partial<Pick<Toast, 'durationMs' | 'tone'>>): number;
  dismissToast(id: number): void;
}

export const TOAST_MS = 5_000;
/** At most this many toasts at once; the oldest goes first. */
const MAX_TOASTS = 4;

export function createUiStore(location: LocationPort = hashLocation): StoreApi<UiState> {
  let nextToastId = 1;
  return createStore<UiState>()((set, get) => ({
    ...createNavigation(location, set, get),
    toasts: [],
    showToast: (toast) => {
      const id = nextToastId++;
      const full: Toast = { tone: 'info', durationMs: TOAST_MS, ...toast, id };
      set((s) => ({ toasts: [...s.toasts, full].slice(-MAX_TOASTS) }));
      return id;
    },
    dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
  }));
}

const UiStoreContext = createContext<StoreApi<UiState> | null>(null);

/** One store per mounted app, so two apps (or two tests) never share view state. */
export function UiStoreProvider({ store, children }: { store?: StoreApi<UiState>; children: ReactNode }) {
  const [own] = useState(() => store ?? createUiStore());
  // wouter's hash location re-renders this on every hashchange (Back, Forward, a pasted URL).
  const [hashPath] = useHashLocation();
  useLayoutEffect(() => own.getState().syncLocation(hashPath), [own, hashPath]);
  return createElement(UiStoreContext.Provider, { value: own }, children);
}

export function useUi<T>(selector: (state: UiState) => T): T {
  const store = useContext(UiStoreContext);
  if (!store) throw new Error('useUi() needs a <UiStoreProvider> above it');
  return useStore(store, selector);
}

/** The store itself, for event handlers that read state without subscribing to it. */
export function useUiStore(): StoreApi<UiState> {
  const store = useContext(UiStoreContext);
  if (!store) throw new Error('useUiStore() needs a <UiStoreProvider> above it');
  return store;
}
