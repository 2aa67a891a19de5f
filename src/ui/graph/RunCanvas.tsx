import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import './graph.css';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import type { Problem } from '../../schema/problems';
import type { WorkflowUi } from '../../schema/workflow';
import { FlowSurface } from './FlowSurface';
import { useFitOnGrowth, useLayout } from './hooks';
import { useCanvasKeys } from './keyboard';
import type { GraphModel } from './model';
import type { FlowNode, NodeOverlay } from './nodes';
import { useFlowState } from './useFlowState';

export interface RunCanvasProps {
  model: GraphModel;
  positions: WorkflowUi['positions'];
  /** Per node id: what the run adds to it, and its accessible name ("llm step write: failed, 3 attempts"). */
  overlays: ReadonlyMap<string, NodeOverlay & { label: string }>;
  /** A node clicked, or Enter on the selected one. */
  onOpen(id: string): void;
  label: string;
}

const NO_PROBLEMS: ReadonlyMap<string, readonly Problem[]> = new Map();

/**
 * The editor's canvas, read-only, with an overlay on each node (a run's graph). The same model, layout
 * (ELK in a worker), nodes and keys as the Graph tab. Loaded lazily, as the Graph tab is.
 */
export default function RunCanvas(props: RunCanvasProps) {
  return (
    <ReactFlowProvider>
      <Canvas {...props} />
    </ReactFlowProvider>
  );
}

function Canvas({ model, positions, overlays, onOpen, label }: RunCanvasProps) {
  const shown = useLayout(model);
  const state = useFlowState({ model, layout: shown.layout, positions, problems: NO_PROBLEMS, highlights: undefined });
  const flow = useReactFlow<FlowNode>();
  const modelRef = useRef(model);
  useEffect(() => {
    modelRef.current = model;
  });
  const nodes = useMemo(
    () =>
      state.nodes.map((node) => {
        const overlay = overlays.get(node.id);
        if (!overlay) return node;
        const { label: ariaLabel, ...shownOverlay } = overlay;
        return { ...node, ariaLabel, data: { ...node.data, overlay: shownOverlay } };
      }),
    [state.nodes, overlays],
  );
  const { selected, select } = state;
  const openSelected = useCallback(() => {
    const [only] = selected.size === 1 ? [...selected] : [];
    if (only) onOpen(only);
  }, [selected, onOpen]);
  useFitOnGrowth(flow, shown, model.nodes.length);
  const onKeyDown = useCanvasKeys({
    flow,
    model,
    selected,
    readOnly: true,
    onSelect: select,
    onOpen: openSelected,
    onDuplicate: () => undefined,
  });
  return (
    <div
      className="graph-canvas"
      data-testid="graph-canvas"
      data-state="ready"
      data-layout={shown.source}
      tabIndex={0}
      aria-label={label}
      onKeyDown={onKeyDown}>
      <FlowSurface
        nodes={nodes}
        edges={state.edges}
        readOnly
        model={modelRef}
        onNodesChange={state.onNodesChange}
        onEdgesChange={state.onEdgesChange}
        onOpen={openSelected}
        onNodeClick={onOpen}
      />
    </div>
  );
}
