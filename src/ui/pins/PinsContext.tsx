import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { RunRecord } from '../../engine/records';
import { useWorkflowPins } from './usePins';

// The canvas's and the run inspector's Run this step buttons load with the first screen (not a lazy chunk
// that both lazy chunks import).
export { IterateButtons } from './IterateButtons';

/**
 * The slugs a canvas marks "pinned": in the editor, the open workflow's pins; in a run's graph, the pins
 * that run started with. Empty outside both.
 */
const PinnedSlugs = createContext<ReadonlySet<string>>(new Set());

/** Around the editor's Graph tab. */
export function PinsProvider({ workflowId, children }: { workflowId: string; children: ReactNode }) {
  const pins = useWorkflowPins(workflowId);
  const slugs = useMemo(() => new Set(pins.status === 'ready' ? Object.keys(pins.pins) : []), [pins]);
  return <PinnedSlugs.Provider value={slugs}>{children}</PinnedSlugs.Provider>;
}

/** Around a run's graph. */
export function RunPinsProvider({ run, children }: { run: RunRecord; children: ReactNode }) {
  const key = Object.keys(run.pins ?? {}).join('\n');
  const slugs = useMemo(() => new Set(key ? key.split('\n') : []), [key]);
  return <PinnedSlugs.Provider value={slugs}>{children}</PinnedSlugs.Provider>;
}

/** "pinned" on a canvas node whose step's output is pinned. */
export function PinnedNodeBadge({ slug }: { slug: string }) {
  if (!useContext(PinnedSlugs).has(slug)) return null;
  return (
    <span className="pin-badge" data-testid="node-pinned" title="Its output is pinned: the step does not run">
      pinned
    </span>
  );
}
