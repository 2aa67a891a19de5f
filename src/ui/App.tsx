import type { TabflowDb } from '../store/db';
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

/** The whole app. Tests pass their own database; the page uses the shared one. */
export function App({ db }: { db?: TabflowDb }) {
  return (
    <DbProvider db={db}>
      <UiStoreProvider>
        <Shell />
      </UiStoreProvider>
    </DbProvider>
  );
}

function Shell() {
  const db = useDb();
  const library = useLibrary();
  const { names, lookup } = useLibraryIndex(library);
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
      <Header onImportFile={openFilePicker} onPaste={openPaste} onNew={() => void createNew()} onHelp={openHelp} />
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
    case 'none': return null;
  }
}
