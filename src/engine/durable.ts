import type { EventRecord } from './records';

/**
 * A host whose runtime keeps the run durable itself (DBOS over PostgreSQL, `src/server/`): the run's waits go
 * through it, in the interpreter's order, so its runtime can record them and keep their deadlines across a crash.
 * Without it (the tab, tests) the engine waits on its clock and on the events in its store.
 */
export interface DurableWaits {
  /** A wait step's sleep, or a retry's backoff, until `at`; the host may keep the deadline it recorded first. */
  sleepUntil(stepKey: string, at: number, signal: AbortSignal): Promise<void>;
  /** The event named `eventName` for this run, consumed once, or a timeout at `deadline`. */
  receive(stepKey: string, eventName: string, deadline: number | undefined, signal: AbortSignal): Promise<Received>;
}

/** How a durable wait for an event ended (`stepApi.ts`'s EventWait; declared here so the port imports no step API). */
export type Received = { kind: 'event'; event: EventRecord } | { kind: 'timeout' };
