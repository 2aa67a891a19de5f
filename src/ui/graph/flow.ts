import { MarkerType, type Edge } from '@xyflow/react';
import type { Problem } from '../../schema/problems';
import type { Box } from './layout';
import { pathKey, type GraphModel } from './model';
import type { FlowNode } from './nodes';

/** The graph model as React Flow nodes and edges. */

const NO_PROBLEMS: readonly Problem[] = [];

export function toFlowNodes(
  model: GraphModel,
  boxes: ReadonlyMap<string, Box>,
  problems: ReadonlyMap<string, readonly Problem[]>,
  selected: ReadonlySet<string>,
  highlights?: ReadonlyMap<string, string>,
): FlowNode[] {
  return model.nodes.map((node) => {
    const box = boxes.get(node.id)!;
    const type = node.data.kind === 'branch' ? 'branch' : node.group ? 'container' : 'step';
    return {
      id: node.id,
      type,
      parentId: node.parentId,
      position: { x: box.x, y: box.y },
      width: box.width,
      height: box.height,
      selected: selected.has(node.id),
      // Branch groups are part of their parallel step: not selected, dragged or deleted alone.
      selectable: type !== 'branch',
      draggable: type !== 'branch',
      deletable: type !== 'branch',
      connectable: type !== 'branch',
      ariaLabel: node.data.kind === 'step' ? `${node.data.stepType} step ${node.data.slug}` : undefined,
      data: { node: node.data, problems: problems.get(node.id) ?? NO_PROBLEMS, highlight: highlights?.get(node.id) },
    };
  });
}

export function toFlowEdges(model: GraphModel, selected: ReadonlySet<string>): Edge[] {
  return model.edges.map((edge) => ({
    id: edge.id,
    source: edge.source,
    target: edge.target,
    label: edge.key,
    type: 'labelled',
    selected: selected.has(edge.id),
    className: `graph-edge graph-edge-${edgeTone(edge.key)}`,
    markerEnd: { type: MarkerType.ArrowClosed },
    data: { key: edge.key },
  }));
}

function edgeTone(key: string): string {
  if (key === 'failure' || key === 'timeout' || key === 'rejected') return 'failure';
  if (key === 'success' || key === 'approved') return 'success';
  return 'branch';
}

/**
 * Each problem on the innermost step its path is in (`$.stepsConfig[2].config.rules[0]` → the
 * step at `stepsConfig[2]`). Problems of the workflow as a whole are returned apart.
 */
export function problemsByNode(
  model: GraphModel,
  problems: readonly Problem[],
): { byNode: Map<string, Problem[]>; workflow: Problem[] } {
  const byPath = new Map<string, string>();
  for (const node of model.nodes) if (node.data.kind === 'step') byPath.set(pathKey(node.data.path), node.id);
  const byNode = new Map<string, Problem[]>();
  const workflow: Problem[] = [];
  for (const found of problems) {
    let id: string | undefined;
    for (let length = found.segments.length; length > 0 && id === undefined; length--) {
      id = byPath.get(pathKey(found.segments.slice(0, length)));
    }
    if (id === undefined) workflow.push(found);
    else byNode.set(id, [...(byNode.get(id) ?? []), found]);
  }
  return { byNode, workflow };
}
