import type { ELK, ElkExtendedEdge, ElkNode, LayoutOptions } from 'elkjs/lib/elk-api';
import type { WorkflowUi } from '../../schema/workflow';
import type { GraphModel, GraphNode } from './model';

/**
 * Automatic layout with ELK (layered, top to bottom; containers laid out with what they hold), run
 * in a worker so a 200-step graph never blocks the page. Positions the person set win over ELK's.
 */

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
/** Node id → its box, relative to its parent node (what React Flow expects for children). */
export type Layout = ReadonlyMap<string, Box>;

export const NODE_WIDTH = 240;
export const NODE_HEIGHT = 76;
export const GROUP_PADDING = { top: 76, side: 20, bottom: 20 };

const ROOT_OPTIONS: LayoutOptions = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.spacing.nodeNode': '40',
  'elk.layered.spacing.nodeNodeBetweenLayers': '56',
  'elk.spacing.edgeLabel': '4',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
};
const { top, side, bottom } = GROUP_PADDING;
const GROUP_OPTIONS: LayoutOptions = {
  ...ROOT_OPTIONS,
  'elk.padding': `[top=${top},left=${side},bottom=${bottom},right=${side}]`,
};

export function toElkGraph(model: GraphModel): ElkNode {
  const root: ElkNode = { id: '::root', layoutOptions: ROOT_OPTIONS, children: [], edges: [] };
  const elkNodes = new Map<string, ElkNode>();
  const holder = (node: GraphNode | undefined) => (node?.parentId ? elkNodes.get(node.parentId)! : root);
  for (const node of model.nodes) {
    const elkNode: ElkNode = node.group
      ? { id: node.id, layoutOptions: GROUP_OPTIONS, children: [], edges: [] }
      : { id: node.id, width: NODE_WIDTH, height: NODE_HEIGHT };
    elkNodes.set(node.id, elkNode);
    holder(node).children!.push(elkNode);
  }
  for (const edge of model.edges) {
    const elkEdge: ElkExtendedEdge = {
      id: edge.id,
      sources: [edge.source],
      targets: [edge.target],
      labels: [{ text: edge.key, width: 8 + edge.key.length * 7, height: 18 }],
    };
    holder(model.byId.get(edge.source)).edges!.push(elkEdge);
  }
  return root;
}

function readLayout(root: ElkNode): Map<string, Box> {
  const boxes = new Map<string, Box>();
  const pending = [...(root.children ?? [])];
  for (let node = pending.pop(); node; node = pending.pop()) {
    boxes.set(node.id, {
      x: node.x ?? 0,
      y: node.y ?? 0,
      width: node.width ?? NODE_WIDTH,
      height: node.height ?? NODE_HEIGHT,
    });
    pending.push(...(node.children ?? []));
  }
  return boxes;
}

/**
 * The final boxes: ELK's, with each position the person set (by slug) in its place, and every
 * container grown to hold its children wherever they were put.
 */
export function placeNodes(model: GraphModel, layout: Layout, positions: WorkflowUi['positions']): Map<string, Box> {
  const boxes = new Map<string, Box>();
  for (const node of model.nodes) {
    const box = layout.get(node.id) ?? { x: 0, y: 0, width: NODE_WIDTH, height: NODE_HEIGHT };
    const set = node.data.kind === 'step' ? positions?.[node.data.slug] : undefined;
    boxes.set(node.id, set ? { ...box, x: set.x, y: set.y } : { ...box });
  }
  // Children come after their parents, so walking backwards grows the innermost containers first.
  for (let i = model.nodes.length - 1; i >= 0; i--) {
    const node = model.nodes[i]!;
    if (!node.parentId) continue;
    const child = boxes.get(node.id)!;
    const parent = boxes.get(node.parentId)!;
    parent.width = Math.max(parent.width, child.x + child.width + GROUP_PADDING.side);
    parent.height = Math.max(parent.height, child.y + child.height + GROUP_PADDING.bottom);
  }
  return boxes;
}

let engine: Promise<ELK> | undefined;

/** ELK in a worker; where no worker can start (tests, a refused worker), ELK on this thread. */
function elk(): Promise<ELK> {
  engine ??= (async () => {
    try {
      const worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' });
      const { default: ElkApi } = await import('elkjs/lib/elk-api.js');
      return guarded(new ElkApi({ workerFactory: () => worker }), worker);
    } catch {
      return inThread();
    }
  })();
  return engine;
}

async function inThread(): Promise<ELK> {
  const { default: Bundled } = await import('elkjs/lib/elk.bundled.js');
  return new Bundled();
}

/** A worker that fails to load never answers: its error switches layout to this thread for good. */
function guarded(api: ELK, worker: Worker): ELK {
  let failed: Promise<ELK> | undefined;
  const onError = new Promise<void>((resolve) => worker.addEventListener('error', () => resolve(), { once: true }));
  const layout: ELK['layout'] = async (graph, args) => {
    if (failed) return (await failed).layout(graph, args);
    const result = await Promise.race([api.layout(graph, args), onError.then(() => undefined)]);
    if (result) return result;
    failed ??= inThread();
    engine = failed;
    return (await failed).layout(graph, args);
  };
  return { ...api, layout };
}

export async function layoutGraph(model: GraphModel): Promise<Layout> {
  if (model.nodes.length === 0) return new Map();
  const laidOut = await (await elk()).layout(toElkGraph(model));
  return readLayout(laidOut);
}
