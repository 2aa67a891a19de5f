import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  type Connection,
  type Edge,
  type OnNodesChange,
} from '@xyflow/react';
import { memo, useMemo, type RefObject } from 'react';
import { FIT } from './hooks';
import { EDGE_TYPES } from './LabelledEdge';
import type { GraphModel } from './model';
import { NODE_TYPES, type FlowNode } from './nodes';
import type { GraphCommands } from './useGraphCommands';

interface FlowSurfaceProps {
  nodes: FlowNode[];
  edges: Edge[];
  readOnly: boolean;
  /** The current model, read by handlers when they run (so their identity never changes while typing). */
  model: RefObject<GraphModel>;
  /** None on a read-only surface (a run's graph): nothing there edits. */
  commands?: GraphCommands;
  onNodesChange: OnNodesChange<FlowNode>;
  onEdgesChange: Parameters<typeof ReactFlow>[0]['onEdgesChange'];
  onConnectPending?(source: string, target: string): void;
  onOpen(): void;
  onNodeClick?(id: string): void;
}

const DELETE_KEYS = ['Delete', 'Backspace'];
const MULTI_SELECT_KEYS = ['Shift', 'Meta', 'Control'];
const PRO = { hideAttribution: true };

/**
 * React Flow with the app's handlers. Memoised with stable props: an edit that changes no node
 * (typing a prompt) re-renders nothing here.
 */
export const FlowSurface = memo(function FlowSurface(props: FlowSurfaceProps) {
  const { nodes, edges, readOnly, model, commands, onNodesChange, onEdgesChange, onConnectPending, onOpen } = props;
  const { onNodeClick } = props;
  const handlers = useMemo(() => {
    // Links stay inside one body: a step continues only to a step of its own loop body, branch or top level.
    const sameBody = (c: Connection | Edge) => {
      const byId = model.current.byId;
      return (
        c.source !== c.target &&
        byId.get(c.source)?.parentId === byId.get(c.target)?.parentId &&
        byId.get(c.target)?.data.kind === 'step'
      );
    };
    return {
      sameBody,
      onConnect: (c: Connection) => sameBody(c) && onConnectPending?.(c.source, c.target),
      onReconnect: (edge: Edge, c: Connection) => sameBody(c) && commands?.reconnect(edge, c),
      onDelete: ({ nodes: gone, edges: cut }: { nodes: FlowNode[]; edges: Edge[] }) =>
        commands?.remove(
          gone.map((n) => n.id),
          cut.map((e) => e.id),
        ),
      onNodeDragStop: (_event: unknown, _node: FlowNode, dragged: FlowNode[]) => commands?.dragged(dragged),
      onNodeClick: onNodeClick && ((_event: unknown, node: FlowNode) => onNodeClick(node.id)),
    };
  }, [model, commands, onConnectPending, onNodeClick]);

  return (
    <ReactFlow<FlowNode>
      nodes={nodes}
      edges={edges}
      nodeTypes={NODE_TYPES}
      edgeTypes={EDGE_TYPES}
      onNodesChange={onNodesChange}
      onEdgesChange={onEdgesChange}
      onConnect={handlers.onConnect}
      isValidConnection={handlers.sameBody}
      onReconnect={handlers.onReconnect}
      onDelete={handlers.onDelete}
      onNodeDragStop={handlers.onNodeDragStop}
      onNodeDoubleClick={onOpen}
      onNodeClick={handlers.onNodeClick}
      nodesDraggable={!readOnly}
      nodesConnectable={!readOnly}
      edgesReconnectable={!readOnly}
      deleteKeyCode={readOnly ? null : DELETE_KEYS}
      multiSelectionKeyCode={MULTI_SELECT_KEYS}
      disableKeyboardA11y
      minZoom={0.1}
      fitView
      fitViewOptions={FIT}
      proOptions={PRO}>
      <Background />
      <Controls showInteractive={false} />
      <MiniMap pannable zoomable ariaLabel="Minimap of the workflow graph" />
    </ReactFlow>
  );
});
