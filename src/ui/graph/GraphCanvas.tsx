import {
  ReactFlowProvider,
  applyEdgeChanges,
  applyNodeChanges,
  useReactFlow,
  type Edge,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import './graph.css';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import type { StepType } from '../../schema/steps';
import type { Problem } from '../../schema/problems';
import { useDocument, useDocumentSession, useDocumentWorkflowId } from '../document/DocumentProvider';
import { BranchChooser } from './BranchChooser';
import { findStep } from './edits';
import { problemsByNode, toFlowEdges, toFlowNodes } from './flow';
import {
  reconcileEdges,
  reconcileNodes,
  useSettledProblems,
  useFitOnGrowth,
  useLayout,
  useNarrowScreen,
} from './hooks';
import { useCanvasKeys } from './keyboard';
import { placeNodes } from './layout';
import { buildGraph } from './model';
import { FlowSurface } from './FlowSurface';
import type { FlowNode } from './nodes';
import { Palette, PALETTE_MIME } from './Palette';
import { StepPanel } from './StepPanel';
import { useGraphCommands } from './useGraphCommands';
import { useVersionCompare } from './VersionCompare';

/** The Graph tab: the open document as a canvas. Loaded lazily (React Flow and ELK stay out of the first screen). */
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
  const model = useMemo(() => buildGraph(file), [file]);
  const shown = useLayout(model);
  const layout = shown.layout;
  const problems = useSettledProblems(file, knownWorkflows);
  const placed = useMemo(() => problemsByNode(model, problems), [model, problems]);
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set());
  const [selectedEdges, setSelectedEdges] = useState<ReadonlySet<string>>(() => new Set());
  const narrow = useNarrowScreen();
  const broken = doc.textState.kind === 'invalid';
  const readOnly = narrow || broken;
  const flow = useReactFlow<FlowNode>();
  const wrapper = useRef<HTMLDivElement>(null);
  const panel = useRef<HTMLElement>(null);
  const [pending, setPending] = useState<{ source: string; target: string } | null>(null);

  const select = useCallback((ids: readonly string[]) => setSelected(new Set(ids)), []);
  const commands = useGraphCommands({ session, model, selected, onSelect: select });

  const compare = useVersionCompare(workflowId, file);
  const highlights = compare.highlights?.bySlug;
  const derived = useMemo(
    () => toFlowNodes(model, placeNodes(model, layout, file.ui?.positions), placed.byNode, selected, highlights),
    [model, layout, file.ui?.positions, placed.byNode, selected, highlights],
  );
  // React Flow's working copy (it adds measurements and drag positions), renewed when the document's changes.
  const [nodes, setNodes] = useState<FlowNode[]>(derived);
  const [nodesFrom, setNodesFrom] = useState(derived);
  if (nodesFrom !== derived) {
    setNodesFrom(derived);
    setNodes((previous) => reconcileNodes(previous, derived));
  }
  const derivedEdges = useMemo(() => toFlowEdges(model, selectedEdges), [model, selectedEdges]);
  const [edges, setEdges] = useState<Edge[]>(derivedEdges);
  const [edgesFrom, setEdgesFrom] = useState(derivedEdges);
  if (edgesFrom !== derivedEdges) {
    setEdgesFrom(derivedEdges);
    setEdges((previous) => reconcileEdges(previous, derivedEdges));
  }

  // Removal comes from the document (onDelete), never from React Flow's own copy of the nodes.
  const onNodesChange = useCallback((changes: NodeChange<FlowNode>[]) => {
    const kept = changes.filter((c) => c.type !== 'remove');
    setNodes((current) => applyNodeChanges(kept, current));
    setSelected((current) => withSelection(current, kept));
  }, []);
  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    const kept = changes.filter((c) => c.type !== 'remove');
    setEdges((current) => applyEdgeChanges(kept, current));
    setSelectedEdges((current) => withSelection(current, kept));
  }, []);

  const modelRef = useRef(model);
  useEffect(() => {
    modelRef.current = model;
  });
  const onConnectPending = useCallback((source: string, target: string) => setPending({ source, target }), []);
  const openPanel = useCallback(() => panel.current?.focus(), []);

  const slugOf = (id: string) => {
    const node = model.byId.get(id);
    return node?.data.kind === 'step' ? node.data.slug : undefined;
  };
  const pendingSource = pending ? findStep(file, pending.source) : undefined;

  const onDrop = (event: DragEvent) => {
    const type = event.dataTransfer.getData(PALETTE_MIME) as StepType;
    if (!type || readOnly) return;
    event.preventDefault();
    const point = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
    const { body, parentId } = commands.bodyAt(point);
    const origin = parentId ? flow.getInternalNode(parentId)?.internals.positionAbsolute : undefined;
    commands.add(type, { body, position: { x: point.x - (origin?.x ?? 0), y: point.y - (origin?.y ?? 0) } });
  };

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
  const selectedPath = selectedNode?.data.kind === 'step' ? selectedNode.data.path : undefined;

  return (
    <div className="graph-view">
      <div className="pane-bar graph-toolbar" role="toolbar" aria-label="Graph">
        <button type="button" className="button button-small" onClick={commands.tidy} disabled={readOnly}>
          Tidy up
        </button>
        <button type="button" className="button button-small" onClick={() => void flow.fitView({ duration: 200 })}>
          Fit view
        </button>
        <button
          type="button"
          className="button button-small"
          disabled={readOnly || selected.size === 0}
          onClick={() => commands.duplicate([...selected])}>
          Duplicate
        </button>
        <button
          type="button"
          className="button button-small"
          disabled={readOnly || selected.size === 0}
          onClick={() => commands.remove([...selected], [...selectedEdges])}>
          Delete
        </button>
        <span className="toolbar-gap" />
        {compare.picker}
        <span className="muted graph-counts">
          {model.nodes.filter((n) => n.data.kind === 'step').length} steps
          {placed.workflow.length > 0 && ` · ${placed.workflow.length} workflow problem(s)`}
        </span>
      </div>
      {broken && (
        <p className="graph-banner" role="status" data-testid="graph-stale">
          The JSON does not parse ({doc.textState.kind === 'invalid' ? doc.textState.message : ''}). The graph shows the
          last valid version and is read-only until the JSON is fixed (or undone).
        </p>
      )}
      {compare.highlights && (
        <p className="graph-compare-note" role="status">
          Since {compare.highlights.label}: {compare.highlights.bySlug.size} step(s) added or changed (marked)
          {compare.highlights.removed.length > 0 && `; removed: ${compare.highlights.removed.join(', ')}`}.
        </p>
      )}
      {placed.workflow.length > 0 && (
        <ul className="graph-workflow-problems" aria-label="Problems of the whole workflow">
          {placed.workflow.slice(0, 3).map((p) => (
            <li key={`${p.code}${p.path}`}>{p.message}</li>
          ))}
        </ul>
      )}
      {pending && pendingSource && (
        <BranchChooser
          source={pendingSource}
          target={slugOf(pending.target) ?? pending.target}
          onChoose={(key) => {
            commands.connect(pendingSource.stepSlug, key, slugOf(pending.target)!);
            setPending(null);
          }}
          onCancel={() => setPending(null)}
        />
      )}
      <div className="graph-body">
        {!readOnly && <Palette onAdd={(type) => void commands.add(type)} disabled={readOnly} />}
        <div
          className="graph-canvas"
          ref={wrapper}
          data-testid="graph-canvas"
          data-state="ready"
          data-layout={shown.source}
          tabIndex={0}
          aria-label="Workflow graph. Arrow keys move between steps, Enter opens the step, Delete removes it."
          onKeyDown={onKeyDown}
          onCopy={(event) => {
            const text = commands.copy([...selected]);
            if (text) {
              event.clipboardData.setData('text/plain', text);
              event.preventDefault();
            }
          }}
          onPaste={(event) => {
            if (readOnly) return;
            // Steps copied from a graph are pasted here; anything else goes on to the app's import.
            if (commands.paste(event.clipboardData.getData('text/plain')) === 'pasted') {
              event.preventDefault();
              event.stopPropagation();
            }
          }}
          onDragOver={(event) => {
            if (event.dataTransfer.types.includes(PALETTE_MIME)) event.preventDefault();
          }}
          onDrop={onDrop}>
          <FlowSurface
            nodes={nodes}
            edges={edges}
            readOnly={readOnly}
            model={modelRef}
            commands={commands}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnectPending={onConnectPending}
            onOpen={openPanel}
          />
        </div>
        {!narrow && (
          <StepPanel
            ref={panel}
            file={file}
            stepPath={selectedPath}
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

/** The selection after React Flow's select changes (the same set when there are none). */
function withSelection(
  current: ReadonlySet<string>,
  changes: ReadonlyArray<{ type: string; id?: string; selected?: boolean }>,
): ReadonlySet<string> {
  const selects = changes.filter((c) => c.type === 'select');
  if (selects.length === 0) return current;
  const next = new Set(current);
  for (const change of selects) {
    if (change.selected) next.add(change.id!);
    else next.delete(change.id!);
  }
  return next;
}
