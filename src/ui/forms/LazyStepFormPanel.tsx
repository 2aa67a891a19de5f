import { lazy, Suspense } from 'react';
import type { StepFormProps } from './formContext';

/** Loaded on first use: the forms (and JSONata for their previews) stay out of the first screen's JS. */
const Panel = lazy(() => import('./StepFormPanel'));

export function LazyStepFormPanel(props: StepFormProps) {
  return (
    <Suspense
      fallback={
        <p className="muted" role="status">
          Loading the step form…
        </p>
      }>
      <Panel {...props} />
    </Suspense>
  );
}
