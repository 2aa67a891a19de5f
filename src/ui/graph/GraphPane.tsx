import { memo } from 'react';
import { ErrorBoundary } from '../common/ErrorBoundary';
import { LazyBoundary, lazyChunk } from '../common/LazyBoundary';

// The graph model (no React Flow) loads with the first screen: the editor's canvas chunk and the run
// screens' chunk both use it, and a lazy chunk imports only first-screen chunks (test/browser/chunks.test.ts).
export { buildGraph } from './model';

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
