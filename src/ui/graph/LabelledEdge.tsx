import { BaseEdge, EdgeLabelRenderer, getSmoothStepPath, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';

/**
 * An edge with its nextSteps key as an HTML label. React Flow's own SVG labels measure their text
 * one by one (getBBox), which costs a forced layout per edge: a 200-step graph opened ~200 ms slower.
 */
export const LabelledEdge = memo(function LabelledEdge(props: EdgeProps) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, label, markerEnd, selected } = props;
  const [path, labelX, labelY] = getSmoothStepPath({
    sourceX,
    sourceY,
    targetX,
    targetY,
    sourcePosition,
    targetPosition,
  });
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} />
      <EdgeLabelRenderer>
        <div
          className={`graph-edge-label${selected ? ' graph-edge-label-selected' : ''}`}
          style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}>
          {label}
        </div>
      </EdgeLabelRenderer>
    </>
  );
});

export const EDGE_TYPES = { labelled: LabelledEdge };
