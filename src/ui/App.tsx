import { useEffect } from 'react';
import type { TabflowDb } from '../store/db';
import type { ExecutorApi } from '../worker/api';
import { ExecutorProvider, useExecutor } from './ExecutorContext';
import { RunDialog } from './runs/RunDialog';
import { SettingsDialog } from './settings/SettingsDialog';
import { TablesDialog } from './tables/TablesDialog';
import { EventDialog, ForkDialog } from './runs/RunDialogs';
import { useWorkflowRecord } from './library/useLibrary';
import { Toasts } from './common/Toasts';
import { DbProvider, useDb } from './DbContext';
import { Header } from './Header';
import { ImportPreviewDialog } from './import/ImportPreviewDialog';
import { PasteDialog } from './import/PasteDialog';
import { useImportSources } from './import/useImportSources';
import { createBlankWorkflow } from './library/libraryActions';
import { Sidebar } from './library/Sidebar';
import { useLibrary, useLibraryIndex } from './library/useLibrary';
import { Welcome } from './library/Welcome';
import { useShortcut } from './shortcuts';
import { ShortcutsDialog } from './ShortcutsDialog';
import { UiStoreProvider, useUi } from './state';
import { WorkflowView } from './workflow/WorkflowView';

/** The whole app. Tests pass their own database and an in-process executor; the page uses the shared ones. */
export function App({ db, executor }: { db?: TabflowDb; executor?: ExecutorApi }) {
  useEffect(() => {
    if (executor) return;
    // Ask the browser not to evict our storage under pressure (best effort; it may say no).
    void navigator.storage?.persist?.().catch(() => undefined);
  }, [executor]);
  return (
    <DbProvider db={db}>
      <ExecutorProvider executor={executor}>
        <UiStoreProvider>
          <Shell />
        </UiStoreProvider>
      </ExecutorProvider>
    </DbProvider>
  );
}

function Shell() {
  const db = useDb();
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
  const selectedId = useUi((s) => s.selectedId);
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
      <Header onImportFile={openFilePicker} onPaste={openPaste} onNew={() => void createNew()} onHelp={openHelp}
        onTables={() => openDialog({ kind: 'tables' })} onSettings={() => openDialog({ kind: 'settings' })} ready={ready} />
      <input ref={fileInput} type="file" accept=".json,application/json" hidden aria-label="Workflow file" onChange={(e) => void onFileChosen(e)} />
      <div className="app-body">
        <Sidebar library={library} knownWorkflows={names} />
        <main className="main">
          {selectedId ? (
            <WorkflowView key={selectedId} id={selectedId} knownWorkflows={names} lookup={lookup} />
          ) : (
            <Welcome onImport={openFilePicker} onPaste={openPaste} />
          )}
        </main>
      </div>
      <Dialogs knownWorkflows={names} />
      {dragging && <div className="drop-overlay" aria-hidden><p>Drop a workflow JSON file to import</p></div>}
      <Toasts />
    </div>
  );
}

function Dialogs({ knownWorkflows }: { knownWorkflows: readonly string[] }) {
  const dialog = useUi((s) => s.dialog);
  switch (dialog.kind) {
    case 'paste': return <PasteDialog />;
    case 'shortcuts': return <ShortcutsDialog />;
    case 'preview': return <ImportPreviewDialog key={dialog.request.label} request={dialog.request} knownWorkflows={knownWorkflows} />;
    case 'run': return <RunDialogHost workflowId={dialog.workflowId} />;
    case 'fork': return <ForkDialog runId={dialog.runId} stepKey={dialog.stepKey} output={dialog.output} />;
    case 'event': return <EventDialog runId={dialog.runId} />;
    case 'tables': return <TablesDialog />;
    case 'settings': return <SettingsDialog />;
    case 'none': return null;
  }
}

function RunDialogHost({ workflowId }: { workflowId: string }) {
  const state = useWorkflowRecord(workflowId);
  return state.status === 'ready' ? <RunDialog record={state.record} /> : null;
}
