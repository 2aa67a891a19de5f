import type { WorkflowLookup } from '../../schema/exporter';
import type { WorkflowRecord } from '../../store/db';
import { useDb } from '../DbContext';
import { DocumentProvider } from '../document/DocumentProvider';
import { EditorPane } from '../editor/EditorPane';
import { GraphPane } from '../graph/GraphPane';
import { ConflictBanner } from '../editor/ConflictBanner';
import { RunningVersionNote } from '../versions/RunVersion';
import { useAutosave, type AutosaveHandle } from '../editor/useAutosave';
import { useWorkflowRecord } from '../library/useLibrary';
import { displayKeys, useShortcut } from '../shortcuts';
import { useUi, type WorkflowTab } from '../state';
import { NotFound } from '../routing/NotFound';
import { RunOverTableLink } from '../experiments/ExperimentLinks';
import { LazyRunsPanel } from '../lazyScreens';
import { hasErrors } from '../../schema/problems';
import { validateWorkflowFile } from '../../schema/validate';
import { useMemo } from 'react';
import { useWorkflowActions } from './useWorkflowActions';
import { WorkflowTitle } from './WorkflowTitle';
import { useExportChoice } from '../pins/ExportChoice';
import { PinsProvider } from '../pins/PinsContext';
import { errorMessage } from '../../schema/errorMessage';

interface WorkflowViewProps {
  id: string;
  knownWorkflows: readonly string[];
  lookup: WorkflowLookup;
}

/** One workflow: title, toolbar and the JSON tab (room for a graph tab and runs next to it). */
export function WorkflowView({ id, knownWorkflows, lookup }: WorkflowViewProps) {
  const db = useDb();
  const state = useWorkflowRecord(id);
  const autosave = useAutosave(db, id);
  if (state.status === 'loading') return <div className="main-message muted">Loading…</div>;
  if (state.status === 'missing') return <Missing />;
  return <Loaded record={state.record} autosave={autosave} knownWorkflows={knownWorkflows} lookup={lookup} />;
}

function Loaded({
  record,
  autosave,
  knownWorkflows,
  lookup,
}: { record: WorkflowRecord; autosave: AutosaveHandle } & Omit<WorkflowViewProps, 'id'>) {
  const actions = useWorkflowActions(record.id, autosave, lookup);
  const showToast = useUi((s) => s.showToast);
  // Every command reports its failure as a toast instead of failing silently.
  const run = (action: () => Promise<unknown>) => () => {
    action().catch((error: unknown) => showToast({ message: errorMessage(error), tone: 'error' }));
  };
  const exportChoice = useExportChoice(record.id, (withPins) => run(() => actions.exportFile(withPins))());
  useShortcut('exportFile', exportChoice.request);
  useShortcut('copyShareLink', run(actions.copyShareLink));
  const tab = useUi((s) => s.workflowTab);
  const setTab = useUi((s) => s.setWorkflowTab);
  const openDialog = useUi((s) => s.openDialog);
  // A workflow with errors cannot run; the Problems panel says why.
  const runnable = useMemo(
    () => !hasErrors(validateWorkflowFile(record.doc, { knownWorkflows }).problems),
    [record.doc, knownWorkflows],
  );

  return (
    <article className="workflow-view" aria-label={`Workflow ${record.name}`}>
      <header className="workflow-header">
        <WorkflowTitle name={record.name} onRename={actions.rename} />
        {record.doc.workflowConfig.description && (
          <p className="workflow-description muted">{record.doc.workflowConfig.description}</p>
        )}
        <div className="toolbar" role="toolbar" aria-label="Workflow actions">
          <button
            type="button"
            className="button button-primary"
            disabled={!runnable}
            title={runnable ? 'Start a run' : 'Fix the errors in the Problems panel first'}
            onClick={() => openDialog({ kind: 'run', workflowId: record.id })}>
            Run
          </button>
          <RunOverTableLink workflowId={record.id} />
          <button
            type="button"
            className="button"
            onClick={run(async () => {
              // Unsaved typing becomes the newest version first, so a restore never meets it as a conflict.
              await autosave.flush();
              openDialog({ kind: 'versions', workflowId: record.id });
            })}>
            Versions
          </button>
          <button type="button" className="button" onClick={run(actions.duplicate)}>
            Duplicate
          </button>
          <button type="button" className="button" onClick={run(actions.remove)}>
            Delete
          </button>
          <span className="toolbar-gap" />
          <button type="button" className="button" onClick={exportChoice.request} title={displayKeys('Mod+Shift+E')}>
            Export file
          </button>
          <button type="button" className="button" onClick={run(actions.copyJson)}>
            Copy JSON
          </button>
          <button
            type="button"
            className="button"
            onClick={run(actions.copyShareLink)}
            title={displayKeys('Mod+Shift+L')}>
            Copy share link
          </button>
        </div>
      </header>
      <div className="tabs workflow-tabs" role="tablist" aria-label="Workflow views">
        {WORKFLOW_TABS.map(({ tab: value, label }) => (
          <button
            key={value}
            type="button"
            role="tab"
            aria-selected={tab === value}
            className={tab === value ? 'tab tab-active' : 'tab'}
            onClick={() => setTab(value)}>
            {label}
          </button>
        ))}
      </div>
      {exportChoice.dialog}
      {/* The editor stays mounted behind the other tabs, so its undo history and unsaved text survive. */}
      <DocumentProvider key={record.id} record={record} autosave={autosave} undoKeys={tab !== 'runs'}>
        <ConflictBanner autosave={autosave} />
        <RunningVersionNote workflowId={record.id} />
        <div className="tab-panel" hidden={tab !== 'json'}>
          <EditorPane record={record} autosave={autosave} knownWorkflows={knownWorkflows} />
        </div>
        {/* The graph tab (address #/w/<id>/graph): its view goes here, inside the document session. */}
        {tab === 'graph' && (
          <div className="tab-panel">
            <PinsProvider workflowId={record.id}>
              <GraphPane knownWorkflows={knownWorkflows} />
            </PinsProvider>
          </div>
        )}
      </DocumentProvider>
      {tab === 'runs' && (
        <div className="tab-panel">
          <LazyRunsPanel workflowId={record.id} />
        </div>
      )}
    </article>
  );
}

const WORKFLOW_TABS: ReadonlyArray<{ tab: WorkflowTab; label: string }> = [
  { tab: 'json', label: 'JSON' },
  { tab: 'graph', label: 'Graph' },
  { tab: 'runs', label: 'Runs' },
];

function Missing() {
  return (
    <NotFound
      title="This workflow is not here"
      detail="It is not in your library any more: it may have been deleted, or this address came from another browser."
    />
  );
}
