import { useEffect } from 'react';
import type { TabflowDb } from '../store/db';
import type { ExecutorApi } from '../worker/api';
import { ExecutorProvider, useExecutor } from './ExecutorContext';
import { RunDialog } from './runs/RunDialog';
import { SettingsDialog } from './settings/SettingsDialog';
import { VersionsDialog } from './versions/VersionsDialog';
import { TablesDialog } from './tables/TablesDialog';
import { EventDialog, ForkDialog } from './runs/RunDialogs';
import { useWorkflowRecord } from './library/useLibrary';
import { ErrorBoundary } from './common/ErrorBoundary';
import { Toasts } from './common/Toasts';
import { UpdateBanner } from './pwa/UpdateBanner';
import { DbProvider, useDb } from './DbContext';
import { Header } from './Header';
import { LazyAllRuns, LazyCompareView, LazyInbox } from './lazyScreens';
import { LazyExperiment, LazyExperimentList, LazyExperimentSetup } from './lazyScreens';
import { ImportCheckProvider } from './import/ImportCheckContext';
import { ImportPreviewDialog } from './import/ImportPreviewDialog';
import { clearShareHash } from './import/importSources';
import { PasteDialog } from './import/PasteDialog';
import { useImportSources } from './import/useImportSources';
import { createBlankWorkflow } from './library/libraryActions';
import { Sidebar } from './library/Sidebar';
import { useLibrary, useLibraryIndex } from './library/useLibrary';
import { Welcome } from './library/Welcome';
import { useShortcut } from './shortcuts';
import { ShortcutsDialog } from './ShortcutsDialog';
import { useStorageKeeping } from './settings/storageHooks';
import { UiStoreProvider, useUi, type Dialog as UiDialog } from './state';
import { WorkflowView } from './workflow/WorkflowView';
import type { CheckImport } from '../worker/validationClient';
import type { WorkflowLookup } from '../schema/exporter';
import { MalformedAddress } from './routing/NotFound';

interface AppProps {
  db?: TabflowDb;
  executor?: ExecutorApi;
  /** How import text is checked; the page uses a worker per check. */
  checkImport?: CheckImport;
}

/** The whole app. Tests pass their own database, an in-process executor and checker; the page uses the shared ones. */
export function App({ db, executor, checkImport }: AppProps) {
  useEffect(() => {
    if (executor) return;
    // Ask the browser not to evict our storage under pressure (best effort; it may say no).
    void navigator.storage?.persist?.().catch(() => undefined);
  }, [executor]);
  // A throw that gets past every inner boundary still leaves a page that says what failed; a share
  // link in the address bar is forgotten, so a reload does not fail the same way again.
  return (
    <ErrorBoundary label="Tabflow" onError={clearShareHash}>
      <DbProvider db={db}>
        <ExecutorProvider executor={executor}>
          <ImportCheckProvider check={checkImport}>
            <UiStoreProvider>
              <Shell />
            </UiStoreProvider>
          </ImportCheckProvider>
        </ExecutorProvider>
      </DbProvider>
    </ErrorBoundary>
  );
}

function Shell() {
  const db = useDb();
  useStorageKeeping();
  const library = useLibrary();
  const { names, lookup } = useLibraryIndex(library);
  const ready = library.status === 'ready';
  const executor = useExecutor();
  useEffect(() => {
    // The executing tab resumes unfinished runs at boot without waiting for a click, but only once
    // the library is on screen: the worker's code is not part of the first screen.
    if (!ready) return;
    const start = () => void executor.role().catch(() => undefined);
    if (typeof requestIdleCallback === 'function') requestIdleCallback(start, { timeout: 1000 });
    else setTimeout(start, 100);
  }, [ready, executor]);
  const select = useUi((s) => s.select);
  const openDialog = useUi((s) => s.openDialog);
  const showToast = useUi((s) => s.showToast);
  const { fileInput, openFilePicker, onFileChosen, dragging } = useImportSources();

  const openPaste = () => openDialog({ kind: 'paste' });
  const openHelp = () => openDialog({ kind: 'shortcuts' });
  async function createNew() {
    const record = await createBlankWorkflow(db);
    select(record.id);
    showToast({ message: `Created “${record.name}”`, tone: 'success' });
  }
  useShortcut('importFile', openFilePicker);
  useShortcut('pasteJson', openPaste);
  useShortcut('help', openHelp);

  return (
    <div className="app">
      <Header
        onImportFile={openFilePicker}
        onPaste={openPaste}
        onNew={() => void createNew()}
        onHelp={openHelp}
        onTables={() => openDialog({ kind: 'tables' })}
        onSettings={() => openDialog({ kind: 'settings' })}
        ready={ready}
      />
      <input
        ref={fileInput}
        type="file"
        accept=".json,application/json"
        hidden
        aria-label="Workflow file"
        onChange={(e) => void onFileChosen(e)}
      />
      <div className="app-body">
        <ErrorBoundary label="The library">
          <Sidebar library={library} knownWorkflows={names} />
        </ErrorBoundary>
        <main className="main">
          <MainScreen knownWorkflows={names} lookup={lookup} onImport={openFilePicker} onPaste={openPaste} />
        </main>
      </div>
      <Dialogs knownWorkflows={names} />
      {dragging && (
        <div className="drop-overlay" aria-hidden>
          <p>Drop a workflow JSON file to import</p>
        </div>
      )}
      <Toasts />
      <UpdateBanner />
    </div>
  );
}

interface MainScreenProps {
  knownWorkflows: readonly string[];
  lookup: WorkflowLookup;
  onImport(): void;
  onPaste(): void;
}

/** The screen the address names (under a Tables or Settings dialog: the one it was opened over). */
function MainScreen({ knownWorkflows, lookup, onImport, onPaste }: MainScreenProps) {
  const route = useUi((s) => s.background);
  const selectedId = useUi((s) => s.selectedId);
  const label = selectedId ? 'This workflow' : route.screen === 'malformed' ? 'This address' : 'The start page';
  return (
    <ErrorBoundary label={label} resetKey={selectedId ?? route.screen}>
      {selectedId ? (
        <WorkflowView key={selectedId} id={selectedId} knownWorkflows={knownWorkflows} lookup={lookup} />
      ) : route.screen === 'malformed' ? (
        <MalformedAddress address={route.address} problem={route.problem} />
      ) : route.screen === 'inbox' ? (
        <LazyInbox />
      ) : route.screen === 'compare' ? (
        <LazyCompareView workflowId={route.workflowId} runA={route.runA} runB={route.runB} />
      ) : route.screen === 'allRuns' ? (
        <LazyAllRuns filters={route.filters} />
      ) : route.screen === 'experiments' ? (
        <LazyExperimentList />
      ) : route.screen === 'newExperiment' ? (
        <LazyExperimentSetup workflowId={route.workflowId} />
      ) : route.screen === 'experiment' ? (
        <LazyExperiment key={route.batchId} batchId={route.batchId} />
      ) : (
        <Welcome onImport={onImport} onPaste={onPaste} />
      )}
    </ErrorBoundary>
  );
}

const DIALOG_LABELS: Record<Exclude<UiDialog['kind'], 'none'>, string> = {
  paste: 'The paste dialog',
  shortcuts: 'The shortcuts list',
  preview: 'The import preview',
  run: 'The run form',
  fork: 'The fork dialog',
  event: 'The event dialog',
  tables: 'Tables',
  settings: 'Settings',
  versions: 'The versions list',
};

/** Each dialog (and the lazily loaded screens inside it) behind a boundary of its own: a throw closes only it. */
function Dialogs({ knownWorkflows }: { knownWorkflows: readonly string[] }) {
  const dialog = useUi((s) => s.dialog);
  const closeDialog = useUi((s) => s.closeDialog);
  if (dialog.kind === 'none') return null;
  // A preview that fails forgets its share link: a reload must not open (and fail) it again.
  const onError = dialog.kind === 'preview' && dialog.request.source === 'link' ? clearShareHash : undefined;
  return (
    <ErrorBoundary
      key={dialog.kind}
      label={DIALOG_LABELS[dialog.kind]}
      variant="dialog"
      onError={onError}
      onDismiss={closeDialog}>
      <DialogContent dialog={dialog} knownWorkflows={knownWorkflows} />
    </ErrorBoundary>
  );
}

function DialogContent({ dialog, knownWorkflows }: { dialog: UiDialog; knownWorkflows: readonly string[] }) {
  switch (dialog.kind) {
    case 'paste':
      return <PasteDialog />;
    case 'shortcuts':
      return <ShortcutsDialog />;
    case 'preview':
      return (
        <ImportPreviewDialog key={dialog.request.label} request={dialog.request} knownWorkflows={knownWorkflows} />
      );
    case 'run':
      return <RunDialogHost workflowId={dialog.workflowId} />;
    case 'fork':
      return <ForkDialog runId={dialog.runId} stepKey={dialog.stepKey} output={dialog.output} />;
    case 'event':
      return <EventDialog runId={dialog.runId} initialName={dialog.eventName} />;
    case 'tables':
      return <TablesDialog />;
    case 'settings':
      return <SettingsDialog />;
    case 'versions':
      return <VersionsDialog workflowId={dialog.workflowId} versionId={dialog.versionId} />;
    case 'none':
      return null;
  }
}

function RunDialogHost({ workflowId }: { workflowId: string }) {
  const state = useWorkflowRecord(workflowId);
  return state.status === 'ready' ? <RunDialog record={state.record} /> : null;
}
