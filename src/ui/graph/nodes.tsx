import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo, type ReactNode } from 'react';
import type { Problem } from '../../schema/problems';
import type { BranchNodeData, GraphNodeData, StepNodeData } from './model';
import { stepKind } from './stepDefaults';
import { PinnedNodeBadge } from '../pins/PinsContext';

/** A read-only view's addition to a step node (a run's status): a class on the node and content under its header. */
export interface NodeOverlay {
  className: string;
  content: ReactNode;
}
/** What a React Flow node carries: the graph node and the validation problems found on it. */
export type FlowData = { node: GraphNodeData; problems: readonly Problem[]; highlight?: string; overlay?: NodeOverlay };
export type FlowNode = Node<FlowData, 'step' | 'container' | 'branch'>;

function ProblemBadge({ problems }: { problems: readonly Problem[] }) {
  if (problems.length === 0) return null;
  const errors = problems.filter((p) => p.severity === 'error').length;
  const text = problems.map((p) => `${p.path}: ${p.message}`).join('\n');
  return (
    <span
      className={errors > 0 ? 'graph-badge graph-badge-error' : 'graph-badge graph-badge-warning'}
      title={text}
      aria-label={`${problems.length} problem${problems.length === 1 ? '' : 's'}: ${text}`}>
      {errors > 0 ? '✕' : '!'} {problems.length}
    </span>
  );
}

function StepHeader({ data, problems }: { data: StepNodeData; problems: readonly Problem[] }) {
  const kind = stepKind(data.stepType);
  return (
    <>
      <div className="graph-node-title">
        <span className="graph-node-icon" aria-hidden>
          {kind.icon}
        </span>
        <span className="graph-node-name">{data.name || data.slug}</span>
        <ProblemBadge problems={problems} />
        <PinnedNodeBadge slug={data.slug} />
      </div>
      <div className="graph-node-summary" title={data.summary}>
        <span className="graph-node-type">{kind.label}</span> · {data.summary}
      </div>
      {problems[0] && <div className="graph-node-problem">{problems[0].message}</div>}
    </>
  );
}

function nodeClass(data: StepNodeData, problems: readonly Problem[], highlight: string | undefined, extra: string) {
  const severity = problems.some((p) => p.severity === 'error')
    ? ' graph-node-has-error'
    : problems.length > 0
      ? ' graph-node-has-warning'
      : '';
  return `graph-node graph-node-${data.stepType}${extra}${severity}${highlight ? ` graph-node-${highlight}` : ''}`;
}

/** A step; a loop or parallel step is drawn as a group that holds its body. */
export const StepNode = memo(function StepNode({ data, selected, type }: NodeProps<FlowNode>) {
  const step = data.node as StepNodeData;
  const extra = `${type === 'container' ? ' graph-group' : ''}${selected ? ' graph-node-selected' : ''}`;
  return (
    <div
      className={nodeClass(
        step,
        data.problems,
        data.highlight,
        `${extra}${data.overlay ? ` ${data.overlay.className}` : ''}`,
      )}
      data-testid="graph-node"
      data-slug={step.slug}>
      <Handle type="target" position={Position.Top} />
      <StepHeader data={step} problems={data.problems} />
      {data.overlay?.content}
      <Handle type="source" position={Position.Bottom} title={`Drag to connect ${step.slug} to the next step`} />
    </div>
  );
});

export const BranchNode = memo(function BranchNode({ data }: NodeProps<FlowNode>) {
  const branch = data.node as BranchNodeData;
  return (
    <div className="graph-branch" data-testid="graph-branch" data-branch={branch.branch}>
      <span className="graph-branch-label">branch {branch.branch}</span>
    </div>
  );
});

export const NODE_TYPES = { step: StepNode, container: StepNode, branch: BranchNode };
