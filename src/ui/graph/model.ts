import type { PathSegment } from '../../schema/problems';
import type { Step, StepType } from '../../schema/steps';
import type { WorkflowFile } from '../../schema/workflow';
import { drawsTheSame } from './sameGraph';
import { summarizeStep } from './stepSummary';

/**
 * The workflow as a graph: a node per step (containers hold their bodies), an edge per `nextSteps`
 * entry. Pure: no React, no layout. Node ids are slugs (unique in a valid workflow), so they stay
 * the same while steps are edited or moved; the ids of branch groups contain "::", which no slug can.
 */

/** Where a list of steps is: the top level, a loop's body or a parallel branch. */
export type BodyPath = readonly PathSegment[];
export const TOP_LEVEL: BodyPath = ['stepsConfig'];

export interface StepNodeData {
  kind: 'step';
  slug: string;
  stepType: StepType;
  name: string;
  summary: string;
  /** JSON path of the step. */
  path: PathSegment[];
  /** The list the step is in, and its index there. */
  body: BodyPath;
  index: number;
  /** For a loop: its body, where dropped steps go. */
  ownBody?: BodyPath;
}

export interface BranchNodeData {
  kind: 'branch';
  /** Slug of the parallel step. */
  parallel: string;
  branch: string;
  ownBody: BodyPath;
}

export type GraphNodeData = StepNodeData | BranchNodeData;

export interface GraphNode {
  id: string;
  /** The container node (a loop, or a parallel's branch group) this node is drawn in. */
  parentId: string | undefined;
  /** Holds other nodes: a loop, a parallel step, a branch group. */
  group: boolean;
  data: GraphNodeData;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  /** The `nextSteps` key: success, failure, timeout, default, a condition's outcome, approved… */
  key: string;
}

export interface GraphModel {
  /** Parents before their children (what React Flow needs). */
  nodes: GraphNode[];
  edges: GraphEdge[];
  byId: ReadonlyMap<string, GraphNode>;
}

export function branchNodeId(parallelId: string, branch: string): string {
  return `${parallelId}::${branch}`;
}

export function edgeId(source: string, key: string): string {
  return `${source}->${key}`;
}

/**
 * `previous`: the model of the file before an edit. Every node and edge that shows the same as there
 * is its very object, and when nothing does (a prompt typed) `previous` itself is returned, so the
 * canvas has nothing to redraw.
 */
export function buildGraph(file: WorkflowFile, previous?: GraphModel): GraphModel {
  const before = previous && sourceFiles.get(previous);
  if (previous && before && drawsTheSame(before, file)) {
    sourceFiles.set(previous, file);
    return previous;
  }
  const model = buildFresh(file, previous);
  sourceFiles.set(model, file);
  return model;
}

/** The file each model was last built for (or found to draw the same as). */
const sourceFiles = new WeakMap<GraphModel, WorkflowFile>();

function buildFresh(file: WorkflowFile, previous: GraphModel | undefined): GraphModel {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const used = new Set<string>();
  const previousEdges = new Map(previous?.edges.map((e) => [e.id, e]));
  const pending: Array<{ steps: Step[]; body: BodyPath; parentId: string | undefined }> = [
    { steps: file.stepsConfig as Step[], body: TOP_LEVEL, parentId: undefined },
  ];
  // Breadth first, so a container always comes before what it holds.
  for (let next = 0; next < pending.length; next++) {
    const { steps, body, parentId } = pending[next]!;
    const idsBySlug = new Map<string, string>();
    const placed = steps.map((step, index) => {
      const id = uniqueId(step.stepSlug, used);
      if (!idsBySlug.has(step.stepSlug)) idsBySlug.set(step.stepSlug, id);
      const node = stepNode(previous, step, { id, parentId, body, index });
      nodes.push(node);
      const { ownBody, path } = node.data as StepNodeData;
      if (step.stepType === 'loop') pending.push({ steps: step.config.steps, body: ownBody!, parentId: id });
      if (step.stepType === 'parallel') addBranches(step, id, path, nodes, pending, previous);
      return { step, id };
    });
    for (const { step, id } of placed) {
      for (const [key, target] of Object.entries(step.nextSteps ?? {})) {
        const targetId = idsBySlug.get(target);
        // A target outside this body is a validation problem shown on the step, not an edge.
        if (targetId !== undefined)
          edges.push(reuseEdge(previousEdges, { id: edgeId(id, key), source: id, target: targetId, key }));
      }
    }
  }
  if (previous && sameItems(previous.nodes, nodes) && sameItems(previous.edges, edges)) return previous;
  return { nodes, edges, byId: new Map(nodes.map((n) => [n.id, n])) };
}

/** The step each node was drawn from: files are never changed in place (an edit copies what it changes). */
const sourceSteps = new WeakMap<GraphNode, Step>();

function stepNode(
  previous: GraphModel | undefined,
  step: Step,
  where: { id: string; parentId: string | undefined; body: BodyPath; index: number },
): GraphNode {
  const { id, parentId, body, index } = where;
  const old = previous?.byId.get(id);
  if (old && sourceSteps.get(old) === step && old.parentId === parentId && old.data.kind === 'step') {
    if (old.data.index === index && samePath(old.data.body, body)) return old;
  }
  const path = [...body, index];
  const data: StepNodeData = {
    kind: 'step',
    slug: step.stepSlug,
    stepType: step.stepType,
    name: step.name,
    summary: summarizeStep(step),
    path,
    body,
    index,
  };
  if (step.stepType === 'loop') data.ownBody = [...path, 'config', 'steps'];
  const group = step.stepType === 'loop' || step.stepType === 'parallel';
  const node = reuseNode(previous, { id, parentId, group, data });
  sourceSteps.set(node, step);
  return node;
}

function reuseNode(previous: GraphModel | undefined, node: GraphNode): GraphNode {
  const old = previous?.byId.get(node.id);
  const same = old && old.parentId === node.parentId && old.group === node.group && sameData(old.data, node.data);
  return same ? old : node;
}

function reuseEdge(previous: ReadonlyMap<string, GraphEdge>, edge: GraphEdge): GraphEdge {
  const old = previous.get(edge.id);
  return old && old.source === edge.source && old.target === edge.target && old.key === edge.key ? old : edge;
}

function sameData(a: GraphNodeData, b: GraphNodeData): boolean {
  if (a.kind === 'branch') {
    return b.kind === 'branch' && a.branch === b.branch && a.parallel === b.parallel && samePath(a.ownBody, b.ownBody);
  }
  return (
    b.kind === 'step' &&
    a.slug === b.slug &&
    a.stepType === b.stepType &&
    a.name === b.name &&
    a.summary === b.summary &&
    a.index === b.index &&
    samePath(a.path, b.path) &&
    samePath(a.body, b.body) &&
    samePath(a.ownBody, b.ownBody)
  );
}

function samePath(a: BodyPath | undefined, b: BodyPath | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.length === b.length && a.every((s, i) => s === b[i]));
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

function addBranches(
  step: Extract<Step, { stepType: 'parallel' }>,
  id: string,
  path: PathSegment[],
  nodes: GraphNode[],
  pending: Array<{ steps: Step[]; body: BodyPath; parentId: string | undefined }>,
  previous: GraphModel | undefined,
): void {
  for (const [branch, steps] of Object.entries(step.config.branches)) {
    const ownBody = [...path, 'config', 'branches', branch];
    const branchId = branchNodeId(id, branch);
    const data: BranchNodeData = { kind: 'branch', parallel: id, branch, ownBody };
    nodes.push(reuseNode(previous, { id: branchId, parentId: id, group: true, data }));
    pending.push({ steps, body: ownBody, parentId: branchId });
  }
}

function uniqueId(slug: string, used: Set<string>): string {
  let id = slug;
  // A reused slug (a validation error) still gets a node of its own.
  for (let n = 2; used.has(id); n++) id = `${slug}~${n}`;
  used.add(id);
  return id;
}

/**
 * What decides the layout: which nodes exist, where they are and how they connect. Editing a prompt
 * leaves it unchanged, so the graph is not laid out again while someone types.
 */
export function structureKey(model: GraphModel): string {
  const nodes = model.nodes.map((n) => `${n.id}<${n.parentId ?? ''}`).join(',');
  const edges = model.edges.map((e) => `${e.source}>${e.target}`).join(',');
  return `${nodes}|${edges}`;
}

/** The body a node holds (a loop's steps, a branch's steps), where steps dropped on it go. */
export function bodyHeldBy(node: GraphNode | undefined): BodyPath | undefined {
  return node?.data.ownBody;
}

export function pathKey(path: readonly PathSegment[]): string {
  return JSON.stringify(path);
}
