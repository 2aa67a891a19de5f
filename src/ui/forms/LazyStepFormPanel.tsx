import { LazyBoundary, lazyChunk } from '../common/LazyBoundary';
import type { StepFormProps } from './formContext';

/** Loaded on first use: the forms (and JSONata for their previews) stay out of the first screen's JS. */
const Panel = lazyChunk(() => import('./StepFormPanel'));

export function LazyStepFormPanel(props: StepFormProps) {
  return (
    <LazyBoundary
      label="the step form"
      fallback={
        <p className="muted" role="status">
          Loading the step form…
        </p>
      }>
      <Panel {...props} />
    </LazyBoundary>
  );
}
