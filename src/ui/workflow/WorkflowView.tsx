import type { WorkflowLookup } from '../../schema/exporter';
import type { WorkflowRecord } from '../../store/db';
import { useDb } from '../DbContext';
import { EditorPane } from '../editor/EditorPane';
import { useAutosave, type AutosaveHandle } from '../editor/useAutosave';
import { useWorkflowRecord } from '../library/useLibrary';
import { displayKeys, useShortcut } from '../shortcuts';
import { useUi } from '../state';
import { useWorkflowActions } from './useWorkflowActions';
import { WorkflowTitle } from './WorkflowTitle';

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

function Loaded({ record, autosave, knownWorkflows, lookup }: { record: WorkflowRecord; autosave: AutosaveHandle } & Omit<WorkflowViewProps, 'id'>) {
  const actions = useWorkflowActions(record.id, autosave, lookup);
  const showToast = useUi((s) => s.showToast);
  // Every command reports its failure as a toast instead of failing silently.
  const run = (action: () => Promise<unknown>) => () => {
    action().catch((error: unknown) => showToast({ message: error instanceof Error ? error.message : String(error), tone: 'error' }));
  };
  useShortcut('exportFile', run(actions.exportFile));
  useShortcut('copyShareLink', run(actions.copyShareLink));

  return (
    <article className="workflow-view" aria-label={`Workflow ${record.name}`}>
      <header className="workflow-header">
        <WorkflowTitle name={record.name} onRename={actions.rename} />
        {record.doc.workflowConfig.description && <p className="workflow-description muted">{record.doc.workflowConfig.description}</p>}
        <div className="toolbar" role="toolbar" aria-label="Workflow actions">
          <button type="button" className="button" onClick={run(actions.duplicate)}>Duplicate</button>
          <button type="button" className="button" onClick={run(actions.remove)}>Delete</button>
          <span className="toolbar-gap" />
          <button type="button" className="button" onClick={run(actions.exportFile)} title={displayKeys('Mod+Shift+E')}>Export file</button>
          <button type="button" className="button" onClick={run(actions.copyJson)}>Copy JSON</button>
          <button type="button" className="button" onClick={run(actions.copyShareLink)} title={displayKeys('Mod+Shift+L')}>Copy share link</button>
        </div>
      </header>
      <EditorPane key={record.id} record={record} autosave={autosave} knownWorkflows={knownWorkflows} />
    </article>
  );
}

function Missing() {
  const select = useUi((s) => s.select);
  return (
    <div className="main-message">
      <p>This workflow is not in your library any more.</p>
      <button type="button" className="button" onClick={() => select(null)}>Back to the start</button>
    </div>
  );
}
