import { createContext, createElement, useContext, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';

/**
 * UI-only view state: which workflow is open, which dialog is up, which toasts show. Durable state
 * (workflows, drafts) lives in Dexie and is read with liveQuery, never copied here.
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
  | { kind: 'settings' }
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

export type WorkflowTab = 'json' | 'runs';

export interface UiState {
  selectedId: string | null;
  /** Which view of the open workflow shows, and which run is open in the runs view. */
  workflowTab: WorkflowTab;
  selectedRunId: string | null;
  showRun(runId: string | null): void;
  setWorkflowTab(tab: WorkflowTab): void;
  dialog: Dialog;
  toasts: Toast[];
  select(id: string | null): void;
  openDialog(dialog: Dialog): void;
  closeDialog(): void;
  showToast(toast: Omit<Toast, 'id' | 'durationMs' | 'tone'> & Partial<Pick<Toast, 'durationMs' | 'tone'>>): number;
  dismissToast(id: number): void;
}

export const TOAST_MS = 5_000;
/** At most this many toasts at once; the oldest goes first. */
const MAX_TOASTS = 4;

export function createUiStore(initial: Partial<Pick<UiState, 'selectedId'>> = {}): StoreApi<UiState> {
  let nextToastId = 1;
  return createStore<UiState>()((set) => ({
    selectedId: initial.selectedId ?? null,
    workflowTab: 'json',
    selectedRunId: null,
    dialog: { kind: 'none' },
    toasts: [],
    select: (id) =>
      set((s) => (s.selectedId === id ? {} : { selectedId: id, workflowTab: 'json', selectedRunId: null })),
    showRun: (runId) => set({ workflowTab: 'runs', selectedRunId: runId }),
    setWorkflowTab: (tab) => set({ workflowTab: tab }),
    openDialog: (dialog) => set({ dialog }),
    closeDialog: () => set({ dialog: { kind: 'none' } }),
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
