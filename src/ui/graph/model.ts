import type { PathSegment } from '../../schema/problems';
import type { Step, StepType } from '../../schema/steps';
import type { WorkflowFile } from '../../schema/workflow';
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

export function buildGraph(file: WorkflowFile): GraphModel {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const used = new Set<string>();
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
      if (step.stepType === 'loop') {
        data.ownBody = [...path, 'config', 'steps'];
        pending.push({ steps: step.config.steps, body: data.ownBody, parentId: id });
      }
      nodes.push({ id, parentId, group: step.stepType === 'loop' || step.stepType === 'parallel', data });
      if (step.stepType === 'parallel') addBranches(step, id, path, nodes, pending);
      return { step, id };
    });
    for (const { step, id } of placed) {
      for (const [key, target] of Object.entries(step.nextSteps ?? {})) {
        const targetId = idsBySlug.get(target);
        // A target outside this body is a validation problem shown on the step, not an edge.
        if (targetId !== undefined) edges.push({ id: edgeId(id, key), source: id, target: targetId, key });
      }
    }
  }
  return { nodes, edges, byId: new Map(nodes.map((n) => [n.id, n])) };
}

function addBranches(
  step: Extract<Step, { stepType: 'parallel' }>,
  id: string,
  path: PathSegment[],
  nodes: GraphNode[],
  pending: Array<{ steps: Step[]; body: BodyPath; parentId: string | undefined }>,
): void {
  for (const [branch, steps] of Object.entries(step.config.branches)) {
    const ownBody = [...path, 'config', 'branches', branch];
    const branchId = branchNodeId(id, branch);
    nodes.push({ id: branchId, parentId: id, group: true, data: { kind: 'branch', parallel: id, branch, ownBody } });
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
