import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import './graph.css';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Problem } from '../../schema/problems';
import type { StepType } from '../../schema/steps';
import { useDocument, useDocumentSession, useDocumentWorkflowId } from '../document/DocumentProvider';
import { Connecting, type PendingConnection } from './BranchChooser';
import { canvasEvents } from './canvasEvents';
import { problemsByNode } from './flow';
import { FlowSurface } from './FlowSurface';
import { GraphNotices, GraphToolbar } from './GraphNotices';
import { useFitOnGrowth, useGraphModel, useLayout, useNarrowScreen, useSettledProblems } from './hooks';
import { useCanvasKeys } from './keyboard';
import type { FlowNode } from './nodes';
import { Palette } from './Palette';
import { StepPanel } from './StepPanel';
import { useFlowState } from './useFlowState';
import { useGraphCommands } from './useGraphCommands';
import { useVersionCompare } from './VersionCompare';

/** The Graph tab: the open document as a canvas. Loaded lazily (React Flow and ELK stay out of the first screen). */
// The run inspector's read-only canvas ships in this chunk (one download of React Flow for both).
export { default as RunCanvas } from './RunCanvas';

export default function GraphCanvas({ knownWorkflows }: { knownWorkflows: readonly string[] }) {
  return (
    <ReactFlowProvider>
      <Canvas knownWorkflows={knownWorkflows} />
    </ReactFlowProvider>
  );
}

/** `knownWorkflows`: the names a subworkflow step may call, so the graph warns as the JSON view does. */
function Canvas({ knownWorkflows }: { knownWorkflows: readonly string[] }) {
  const session = useDocumentSession();
  const workflowId = useDocumentWorkflowId();
  const doc = useDocument();
  const { file } = doc;
  const model = useGraphModel(file);
  const shown = useLayout(model);
  const problems = useSettledProblems(file, knownWorkflows);
  const placed = useMemo(() => problemsByNode(model, problems), [model, problems]);
  const compare = useVersionCompare(workflowId, file);
  const state = useFlowState({
    model,
    layout: shown.layout,
    positions: file.ui?.positions,
    problems: placed.byNode,
    highlights: compare.highlights?.bySlug,
  });
  const { selected, select } = state;
  const narrow = useNarrowScreen();
  const readOnly = narrow || doc.textState.kind === 'invalid';
  const flow = useReactFlow<FlowNode>();
  const panel = useRef<HTMLElement>(null);
  const commands = useGraphCommands({ session, model, selected, onSelect: select });
  const modelRef = useRef(model);
  useEffect(() => {
    modelRef.current = model;
  });
  const openPanel = useCallback(() => panel.current?.focus(), []);
  const [pending, setPending] = useState<PendingConnection | null>(null);
  const onAdd = useCallback((type: StepType) => void commands.add(type), [commands]);
  const onConnectPending = useCallback((source: string, target: string) => setPending({ source, target }), []);
  useFitOnGrowth(flow, shown, model.nodes.length);
  const onKeyDown = useCanvasKeys({
    flow,
    model,
    selected,
    readOnly,
    onSelect: select,
    onOpen: openPanel,
    onDuplicate: () => commands.duplicate([...selected]),
  });
  const [only] = selected.size === 1 ? [...selected] : [];
  const selectedNode = only ? model.byId.get(only) : undefined;

  return (
    <div className="graph-view">
      <GraphToolbar
        readOnly={readOnly}
        hasSelection={selected.size > 0}
        steps={model.nodes.filter((n) => n.data.kind === 'step').length}
        workflowProblems={placed.workflow.length}
        picker={compare.picker}
        onTidy={commands.tidy}
        onFit={() => void flow.fitView({ duration: 200 })}
        onDuplicate={() => commands.duplicate([...selected])}
        onDelete={() => commands.remove([...selected], [...state.selectedEdges])}
      />
      <GraphNotices textState={doc.textState} highlights={compare.highlights} workflowProblems={placed.workflow} />
      {pending && (
        <Connecting
          model={model}
          file={file}
          pending={pending}
          onConnect={commands.connect}
          onDone={() => setPending(null)}
        />
      )}
      <div className="graph-body">
        {!readOnly && <Palette onAdd={onAdd} disabled={readOnly} />}
        <div
          className="graph-canvas"
          data-testid="graph-canvas"
          data-state="ready"
          data-layout={shown.source}
          tabIndex={0}
          aria-label="Workflow graph. Arrow keys move between steps, Enter opens the step, Delete removes it."
          onKeyDown={onKeyDown}
          {...canvasEvents(flow, commands, selected, readOnly)}>
          <FlowSurface
            nodes={state.nodes}
            edges={state.edges}
            readOnly={readOnly}
            model={modelRef}
            commands={commands}
            onNodesChange={state.onNodesChange}
            onEdgesChange={state.onEdgesChange}
            onConnectPending={onConnectPending}
            onOpen={openPanel}
          />
        </div>
        {!narrow && (
          <StepPanel
            ref={panel}
            file={file}
            stepPath={selectedNode?.data.kind === 'step' ? selectedNode.data.path : undefined}
            count={selected.size}
            problems={problems as Problem[]}
            workflowId={workflowId}
            onChange={(next, meta) => session.applyDoc(next, meta)}
          />
        )}
      </div>
    </div>
  );
}
