import type { ReactFlowInstance } from '@xyflow/react';
import { useDeferredValue, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { Problem } from '../../schema/problems';
import { validateWorkflowFile } from '../../schema/validate';
import type { WorkflowFile } from '../../schema/workflow';
import { layoutGraph, type Layout } from './layout';
import { structureKey, type GraphModel } from './model';
import type { FlowNode } from './nodes';

/**
 * ELK's layout of the model, redone only when its structure changes (or `generation` asks, "Tidy
 * up"): typing in a step never lays the graph out again. The previous layout stays up meanwhile.
 */
export function useLayout(model: GraphModel, generation: number): Layout | undefined {
  const key = useMemo(() => structureKey(model), [model]);
  const latest = useRef(model);
  useEffect(() => {
    latest.current = model;
  });
  const [layout, setLayout] = useState<Layout>();
  useEffect(() => {
    let live = true;
    layoutGraph(latest.current).then(
      (next) => live && setLayout(next),
      (error: unknown) => console.error('Graph layout failed', error),
    );
    return () => {
      live = false;
    };
  }, [key, generation]);
  return layout;
}

/** Validation problems of the file, computed at low priority so typing stays quick. */
export function useDeferredProblems(file: WorkflowFile): readonly Problem[] {
  const deferred = useDeferredValue(file);
  return useMemo(() => validateWorkflowFile(deferred).problems, [deferred]);
}

/** Fit the whole graph, never magnified past 100% (a single step would fill the screen). */
export const FIT = { maxZoom: 1, padding: 0.15 } as const;

/** Steps added or removed: once laid out, the whole graph is fitted in view again (the new step may be off screen). */
export function useFitOnGrowth(flow: ReactFlowInstance<FlowNode>, layout: Layout | undefined, count: number): void {
  // The count at the last fit, and the layout it was seen with: a new count waits for its own layout.
  const fitted = useRef<{ count: number; layout: Layout | undefined }>({ count, layout: undefined });
  useEffect(() => {
    const last = fitted.current;
    if (!layout || last.layout === layout) return;
    fitted.current = { count, layout };
    if (last.count === count) return;
    const frame = requestAnimationFrame(() => void flow.fitView({ ...FIT, duration: 150 }));
    return () => cancelAnimationFrame(frame);
  }, [flow, layout, count]);
}

const NARROW = '(max-width: 640px)';

/** A phone-sized screen: the graph is shown read-only there. */
export function useNarrowScreen(): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const query = window.matchMedia?.(NARROW);
      query?.addEventListener('change', onChange);
      return () => query?.removeEventListener('change', onChange);
    },
    () => window.matchMedia?.(NARROW).matches ?? false,
  );
}

/**
 * Keeps a previous node object (and React Flow's measurement of it) when nothing it shows
 * changed, so an edit of one step re-renders that node only.
 */
export function reconcileNodes(previous: readonly FlowNode[], next: readonly FlowNode[]): FlowNode[] {
  const byId = new Map(previous.map((n) => [n.id, n]));
  return next.map((node) => {
    const old = byId.get(node.id);
    if (!old) return node;
    if (sameNode(old, node)) return old;
    const sized = old.width === node.width && old.height === node.height;
    return sized && old.measured ? { ...node, measured: old.measured } : node;
  });
}

function sameNode(a: FlowNode, b: FlowNode): boolean {
  return (
    a.type === b.type &&
    a.parentId === b.parentId &&
    a.position.x === b.position.x &&
    a.position.y === b.position.y &&
    a.width === b.width &&
    a.height === b.height &&
    !!a.selected === !!b.selected &&
    !a.dragging &&
    a.data.highlight === b.data.highlight &&
    sameProblems(a.data.problems, b.data.problems) &&
    JSON.stringify(a.data.node) === JSON.stringify(b.data.node)
  );
}

function sameProblems(a: readonly Problem[], b: readonly Problem[]): boolean {
  return a.length === b.length && a.every((p, i) => p.path === b[i]!.path && p.message === b[i]!.message);
}
