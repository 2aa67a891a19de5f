import { memo } from 'react';
import { ErrorBoundary } from '../common/ErrorBoundary';
import { LazyBoundary, lazyChunk } from '../common/LazyBoundary';

// React Flow and ELK are a lazy chunk: the first screen loads without them.
const GraphCanvas = lazyChunk(() => import('./GraphCanvas'));

/**
 * The Graph tab of a workflow (inside its DocumentProvider). Memoised (its one prop, the saved
 * workflows' names, changes rarely): it re-renders from the document session, not each time the
 * workflow view does (a save status per keystroke).
 */
export const GraphPane = memo(function GraphPane({ knownWorkflows }: { knownWorkflows: readonly string[] }) {
  return (
    <ErrorBoundary label="The graph">
      <LazyBoundary label="the graph" fallback={<div className="editor-loading muted">Loading graph…</div>}>
        <GraphCanvas knownWorkflows={knownWorkflows} />
      </LazyBoundary>
    </ErrorBoundary>
  );
});
