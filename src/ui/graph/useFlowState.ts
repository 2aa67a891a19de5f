import { applyEdgeChanges, applyNodeChanges, type Edge, type EdgeChange, type NodeChange } from '@xyflow/react';
import { useCallback, useMemo, useState } from 'react';
import type { Problem } from '../../schema/problems';
import type { WorkflowUi } from '../../schema/workflow';
import { toFlowEdges, toFlowNodes } from './flow';
import { reconcileEdges, reconcileNodes } from './hooks';
import { placeNodes, type Layout } from './layout';
import type { GraphModel } from './model';
import type { FlowNode } from './nodes';

interface FlowInputs {
  model: GraphModel;
  layout: Layout;
  positions: WorkflowUi['positions'];
  problems: ReadonlyMap<string, readonly Problem[]>;
  highlights: ReadonlyMap<string, string> | undefined;
}

/**
 * React Flow's working copy of the nodes and edges (it adds measurements and drag positions) and
 * the selection, renewed from the document; an unchanged node keeps its object.
 */
export function useFlowState({ model, layout, positions, problems, highlights }: FlowInputs) {
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set());
  const [selectedEdges, setSelectedEdges] = useState<ReadonlySet<string>>(() => new Set());
  const derived = useMemo(
    () => toFlowNodes(model, placeNodes(model, layout, positions), problems, selected, highlights),
    [model, layout, positions, problems, selected, highlights],
  );
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
  const select = useCallback((ids: readonly string[]) => setSelected(new Set(ids)), []);
  return { nodes, edges, selected, selectedEdges, select, onNodesChange, onEdgesChange };
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
