import type { Edge, ReactFlowInstance } from '@xyflow/react';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { Problem } from '../../schema/problems';
import { validateWorkflowFile } from '../../schema/validate';
import type { WorkflowFile } from '../../schema/workflow';
import { layoutGraph, type Layout } from './layout';
import { buildGraph, structureKey, type GraphModel } from './model';
import { quickLayout } from './quickLayout';
import type { FlowNode } from './nodes';

/** ELK layouts by structure key, so reopening a graph (or undoing back to it) is laid out at once. */
const elkLayouts = new Map<string, Layout>();
const ELK_CACHE_SIZE = 20;

export interface ShownLayout {
  layout: Layout;
  /** `elk`: ELK's layout of this very structure; `quick`: shown while ELK works. */
  source: 'elk' | 'quick';
}

/**
 * The layout to draw: ELK's for this structure once it has one (computed in a worker, only when the
 * structure changes, so typing never lays out again); meanwhile the quick layout, with the boxes of
 * the previous ELK layout kept for the nodes it had, so an added step does not move the others.
 */
export function useLayout(model: GraphModel): ShownLayout {
  const key = useMemo(() => structureKey(model), [model]);
  const latest = useRef(model);
  useEffect(() => {
    latest.current = model;
  });
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for the model's structure
  const quick = useMemo(() => quickLayout(model), [key]);
  const [elk, setElk] = useState<{ key: string; layout: Layout } | undefined>();
  useEffect(() => {
    if (elkLayouts.has(key)) return;
    let live = true;
    layoutGraph(latest.current).then(
      (layout) => {
        elkLayouts.set(key, layout);
        if (elkLayouts.size > ELK_CACHE_SIZE) elkLayouts.delete(elkLayouts.keys().next().value!);
        if (live) setElk({ key, layout });
      },
      (error: unknown) => console.error('Graph layout failed', error),
    );
    return () => {
      live = false;
    };
  }, [key]);
  return useMemo(() => {
    const exact = elkLayouts.get(key);
    if (exact) return { layout: exact, source: 'elk' };
    if (!elk) return { layout: quick, source: 'quick' };
    return { layout: new Map([...quick, ...elk.layout]), source: 'quick' };
  }, [key, quick, elk]);
}

/**
 * The graph of the file, each one built on the one before: an edit that changes nothing the canvas
 * shows (typing a prompt) keeps the model object, so nothing downstream of it is derived again.
 */
export function useGraphModel(file: WorkflowFile): GraphModel {
  const [build] = useState(followingBuilder);
  return useMemo(() => build(file), [build, file]);
}

function followingBuilder(): (file: WorkflowFile) => GraphModel {
  let last: GraphModel | undefined;
  return (file) => (last = buildGraph(file, last));
}

/** Quiet time after an edit before the graph's problems are checked again. */
export const PROBLEMS_DELAY_MS = 250;

/**
 * Validation problems of the file, checked once edits pause (a whole 200-step workflow per
 * keystroke would make typing lag); the first check is immediate.
 */
export function useSettledProblems(file: WorkflowFile, knownWorkflows: readonly string[]): readonly Problem[] {
  const [settled, setSettled] = useState(file);
  useEffect(() => {
    if (settled === file) return;
    const timer = setTimeout(() => setSettled(file), PROBLEMS_DELAY_MS);
    return () => clearTimeout(timer);
  }, [file, settled]);
  return useMemo(() => validateWorkflowFile(settled, { knownWorkflows }).problems, [settled, knownWorkflows]);
}

/** Fit the whole graph, never magnified past 100% (a single step would fill the screen). */
export const FIT = { maxZoom: 1, padding: 0.15 } as const;

/**
 * Steps added or removed, or ELK's layout replacing the quick one: once drawn, the whole graph is
 * fitted in view again (a new step may be off screen).
 */
export function useFitOnGrowth(flow: ReactFlowInstance<FlowNode>, shown: ShownLayout, count: number): void {
  const seen = useRef({ layout: shown.layout, fit: `${count}:${shown.source}` });
  useEffect(() => {
    const fit = `${count}:${shown.source}`;
    if (seen.current.layout === shown.layout) return;
    const changed = seen.current.fit !== fit;
    seen.current = { layout: shown.layout, fit };
    if (!changed) return;
    const frame = requestAnimationFrame(() => void flow.fitView({ ...FIT, duration: 150 }));
    return () => cancelAnimationFrame(frame);
  }, [flow, shown, count]);
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
export function reconcileNodes(previous: FlowNode[], next: readonly FlowNode[]): FlowNode[] {
  const byId = new Map(previous.map((n) => [n.id, n]));
  const merged = next.map((node) => {
    const old = byId.get(node.id);
    if (!old) return node;
    if (sameNode(old, node)) return old;
    const sized = old.width === node.width && old.height === node.height;
    return sized && old.measured ? { ...node, measured: old.measured } : node;
  });
  return sameItems(previous, merged) ? previous : merged;
}

/** The same for edges: an unchanged edge keeps its object, an unchanged list its array. */
export function reconcileEdges(previous: Edge[], next: readonly Edge[]): Edge[] {
  const byId = new Map(previous.map((e) => [e.id, e]));
  const merged = next.map((edge) => {
    const old = byId.get(edge.id);
    const same = old && old.source === edge.source && old.target === edge.target && !!old.selected === !!edge.selected;
    return same ? old : edge;
  });
  return sameItems(previous, merged) ? previous : merged;
}

/** Same length and the very same objects: React Flow is given the previous array and does no work. */
function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
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
    // The model keeps a node's data object while it shows the same (`buildGraph`'s `previous`).
    (a.data.node === b.data.node || JSON.stringify(a.data.node) === JSON.stringify(b.data.node))
  );
}

function sameProblems(a: readonly Problem[], b: readonly Problem[]): boolean {
  return a.length === b.length && a.every((p, i) => p.path === b[i]!.path && p.message === b[i]!.message);
}
