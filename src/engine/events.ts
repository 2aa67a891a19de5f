/**
 * Who an event is for. Workflow authors and users name their own events freely; approvals and host
 * confirmations are addressed by the engine. The encoded names are disjoint: a name a user may
 * send never starts with a prefix the engine uses, so no user event can answer an approval or a
 * host consent, and no event step can consume one.
 */
export type EventAddress =
  | { kind: 'named'; name: string }
  | { kind: 'approval'; stepKey: string }
  /** `host` in normal form. */
  | { kind: 'host'; host: string }
  /** A Continue for the model round `stepKey`, waiting on the run's budget. */
  | { kind: 'budget'; stepKey: string };

const PREFIXES = { approval: 'approval:', host: 'confirm-host:', budget: 'budget:' } as const;

/** Why a user-chosen event name cannot be used, if it cannot. */
export function eventNameProblem(name: string): string | undefined {
  const reserved = Object.values(PREFIXES).find((prefix) => name.startsWith(prefix));
  return (
    reserved &&
    `event names starting with "${reserved}" are reserved for the engine's own approvals, host confirmations and ` +
      'budget answers'
  );
}

/** The stored name of the event for `address`; a named event's name must have passed `eventNameProblem`. */
export function eventName(address: EventAddress): string {
  switch (address.kind) {
    case 'named':
      return address.name;
    case 'approval':
      return `${PREFIXES.approval}${address.stepKey}`;
    case 'host':
      return `${PREFIXES.host}${address.host}`;
    case 'budget':
      return `${PREFIXES.budget}${address.stepKey}`;
  }
}
