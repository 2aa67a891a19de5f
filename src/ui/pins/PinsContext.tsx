import { createContext, useContext, type ReactNode } from 'react';
import { useWorkflowPins, type PinsState } from './usePins';

/** The open workflow's pins, for the parts of the editor that mark pinned steps (the canvas's nodes). */
const PinsContext = createContext<PinsState>({ status: 'loading' });

export function PinsProvider({ workflowId, children }: { workflowId: string; children: ReactNode }) {
  return <PinsContext.Provider value={useWorkflowPins(workflowId)}>{children}</PinsContext.Provider>;
}

export function useOpenWorkflowPins(): PinsState {
  return useContext(PinsContext);
}

/** "pinned" on a canvas node whose step's output is pinned (nothing outside a workflow's editor). */
export function PinnedNodeBadge({ slug }: { slug: string }) {
  const pins = useOpenWorkflowPins();
  if (pins.status !== 'ready' || !Object.hasOwn(pins.pins, slug)) return null;
  return (
    <span className="pin-badge" data-testid="node-pinned" title="Runs started here use the pinned output">
      pinned
    </span>
  );
}
