import { useState } from 'react';
import { useIterate, type PartialKind } from './useIterate';

const LABEL: Record<PartialKind, string> = { 'step-only': 'Run this step', 'up-to': 'Run to here' };

/**
 * Run this step / Run to here for a top-level step, built on `inputsFrom` (the inspected run) or the
 * workflow's latest run; a refusal (an input no run or pin holds) goes to `onError`.
 */
export function IterateButtons({
  workflowId,
  slug,
  inputsFrom,
  className,
  onError,
}: {
  workflowId: string;
  slug: string;
  inputsFrom?: string;
  className: string;
  onError(error: unknown): void;
}) {
  const iterate = useIterate(workflowId);
  const [busy, setBusy] = useState(false);
  const start = (kind: PartialKind) => {
    setBusy(true);
    iterate(kind, slug, inputsFrom)
      .catch(onError)
      .finally(() => setBusy(false));
  };
  return (
    <>
      {(['step-only', 'up-to'] as const).map((kind) => (
        <button key={kind} type="button" className={className} disabled={busy} onClick={() => start(kind)}>
          {LABEL[kind]}
        </button>
      ))}
    </>
  );
}
