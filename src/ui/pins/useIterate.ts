import { useExecutor } from '../ExecutorContext';
import { useUi } from '../state';

export type PartialKind = 'step-only' | 'up-to';

/**
 * "Run this step" and "run to here" from the editor (with the workflow's pins): the run is built on
 * `inputsFrom` (a run being inspected) or else the workflow's latest run, then shown.
 */
export function useIterate(workflowId: string) {
  const executor = useExecutor();
  const showRun = useUi((s) => s.showRun);
  return async (kind: PartialKind, slug: string, inputsFrom?: string) => {
    const partial = inputsFrom === undefined ? { kind, slug } : { kind, slug, inputsFrom };
    const runId = await executor.start({ workflowId, input: undefined, editor: { withPins: true, partial } });
    showRun(runId);
  };
}
