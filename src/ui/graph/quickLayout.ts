import { GROUP_PADDING, NODE_HEIGHT, NODE_WIDTH, type Box } from './layout';
import type { GraphModel, GraphNode } from './model';

const GAP_X = 40;
const GAP_Y = 56;

/**
 * A layered layout in one linear pass, shown at once while ELK works in its worker: each body's
 * steps in rows by longest path from its entry, containers sized around what they hold.
 */
export function quickLayout(model: GraphModel): Map<string, Box> {
  const children = new Map<string | undefined, GraphNode[]>();
  for (const node of model.nodes) {
    const list = children.get(node.parentId) ?? [];
    list.push(node);
    children.set(node.parentId, list);
  }
  const boxes = new Map<string, Box>();
  const arrange = (parentId: string | undefined, top: number, side: number) => {
    const list = children.get(parentId) ?? [];
    const sizes = new Map(list.map((n) => [n.id, sizeOf(n)] as const));
    const rows = list.some((n) => n.data.kind === 'branch') ? [list] : rowsOf(list, model);
    let y = top;
    let width = 0;
    const placedRows = rows.map((row) => {
      const rowWidth = row.reduce((w, n) => w + sizes.get(n.id)!.width, 0) + GAP_X * (row.length - 1);
      const rowHeight = Math.max(...row.map((n) => sizes.get(n.id)!.height));
      width = Math.max(width, rowWidth);
      const at = y;
      y += rowHeight + GAP_Y;
      return { row, rowWidth, at };
    });
    for (const { row, rowWidth, at } of placedRows) {
      let x = side + (width - rowWidth) / 2;
      for (const node of row) {
        const size = sizes.get(node.id)!;
        boxes.set(node.id, { x, y: at, ...size });
        x += size.width + GAP_X;
      }
    }
    return { width, height: Math.max(0, y - GAP_Y - top) };
  };
  // A group's size is what it holds plus its padding: its children are arranged first.
  const sizeOf = (node: GraphNode) => {
    if (!node.group) return { width: NODE_WIDTH, height: NODE_HEIGHT };
    const inner = arrange(node.id, GROUP_PADDING.top, GROUP_PADDING.side);
    return {
      width: Math.max(NODE_WIDTH, inner.width + 2 * GROUP_PADDING.side),
      height: Math.max(NODE_HEIGHT, inner.height + GROUP_PADDING.top + GROUP_PADDING.bottom),
    };
  };
  arrange(undefined, 0, 0);
  return boxes;
}

/** The steps of one body in rows: row = longest path from a step nothing points to (cycles end up in row 0). */
function rowsOf(list: GraphNode[], model: GraphModel): GraphNode[][] {
  const ids = new Set(list.map((n) => n.id));
  const edges = model.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  const incoming = new Map(list.map((n) => [n.id, 0]));
  for (const edge of edges) incoming.set(edge.target, incoming.get(edge.target)! + 1);
  const rank = new Map(list.map((n) => [n.id, 0]));
  const ready = list.filter((n) => incoming.get(n.id) === 0).map((n) => n.id);
  for (let id = ready.pop(); id !== undefined; id = ready.pop()) {
    for (const edge of edges) {
      if (edge.source !== id) continue;
      rank.set(edge.target, Math.max(rank.get(edge.target)!, rank.get(id)! + 1));
      incoming.set(edge.target, incoming.get(edge.target)! - 1);
      if (incoming.get(edge.target) === 0) ready.push(edge.target);
    }
  }
  const rows: GraphNode[][] = [];
  for (const node of list) (rows[rank.get(node.id)!] ??= []).push(node);
  return rows.filter((row) => row !== undefined);
}
