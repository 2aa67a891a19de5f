import type { ReactFlowInstance } from '@xyflow/react';
import type { KeyboardEvent } from 'react';
import { isEditableTarget, matchesKeys } from '../shortcuts';
import type { GraphModel } from './model';
import type { FlowNode } from './nodes';

interface CanvasKeys {
  flow: ReactFlowInstance<FlowNode>;
  model: GraphModel;
  selected: ReadonlySet<string>;
  readOnly: boolean;
  onSelect(ids: readonly string[]): void;
  onOpen(): void;
  onDuplicate(): void;
}

const DIRECTIONS: Record<string, { x: number; y: number }> = {
  ArrowUp: { x: 0, y: -1 },
  ArrowDown: { x: 0, y: 1 },
  ArrowLeft: { x: -1, y: 0 },
  ArrowRight: { x: 1, y: 0 },
};

/** Keys on the canvas: arrows move the selection to the nearest step that way, Enter opens it, Mod+D duplicates. */
export function useCanvasKeys({ flow, model, selected, readOnly, onSelect, onOpen, onDuplicate }: CanvasKeys) {
  return (event: KeyboardEvent) => {
    if (isEditableTarget(event.target) && event.target !== event.currentTarget) return;
    const direction = DIRECTIONS[event.key];
    if (direction && !event.altKey && !event.metaKey && !event.ctrlKey) {
      event.preventDefault();
      const next = nearest(flow, model, [...selected][0], direction);
      if (next) {
        onSelect([next]);
        const box = flow.getInternalNode(next);
        if (box) {
          const { x, y } = box.internals.positionAbsolute;
          void flow.setCenter(x + (box.measured.width ?? 0) / 2, y + (box.measured.height ?? 0) / 2, {
            zoom: flow.getZoom(),
            duration: 150,
          });
        }
      }
    } else if (event.key === 'Enter' && selected.size === 1) {
      event.preventDefault();
      onOpen();
    } else if (!readOnly && matchesKeys(event.nativeEvent, 'Mod+D') && selected.size > 0) {
      event.preventDefault();
      onDuplicate();
    }
  };
}

function centre(flow: ReactFlowInstance<FlowNode>, id: string): { x: number; y: number } | undefined {
  const node = flow.getInternalNode(id);
  if (!node) return undefined;
  const { x, y } = node.internals.positionAbsolute;
  return { x: x + (node.measured.width ?? 0) / 2, y: y + Math.min(node.measured.height ?? 0, 76) / 2 };
}

/**
 * The step closest to `from` in `direction` (within a cone, straight ahead preferred); the first
 * step when none is selected.
 */
function nearest(
  flow: ReactFlowInstance<FlowNode>,
  model: GraphModel,
  from: string | undefined,
  direction: { x: number; y: number },
): string | undefined {
  const steps = model.nodes.filter((n) => n.data.kind === 'step');
  const start = from ? centre(flow, from) : undefined;
  if (!start) return steps[0]?.id;
  let best: { id: string; score: number } | undefined;
  for (const node of steps) {
    if (node.id === from) continue;
    const at = centre(flow, node.id);
    if (!at) continue;
    const dx = at.x - start.x;
    const dy = at.y - start.y;
    const ahead = dx * direction.x + dy * direction.y;
    const aside = Math.abs(dx * direction.y) + Math.abs(dy * direction.x);
    if (ahead <= 0 || aside > ahead * 1.5) continue;
    const score = ahead + aside * 2;
    if (!best || score < best.score) best = { id: node.id, score };
  }
  return best?.id;
}
