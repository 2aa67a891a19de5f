import { lazy, Suspense } from 'react';
import { ErrorBoundary } from '../common/ErrorBoundary';

// React Flow and ELK are a lazy chunk: the first screen loads without them.
const GraphCanvas = lazy(() => import('./GraphCanvas'));

/** The Graph tab of a workflow (inside its DocumentProvider). */
export function GraphPane() {
  return (
    <ErrorBoundary label="The graph">
      <Suspense fallback={<div className="editor-loading muted">Loading graph…</div>}>
        <GraphCanvas />
      </Suspense>
    </ErrorBoundary>
  );
}
