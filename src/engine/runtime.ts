import type { WorkflowFile } from '../schema/workflow';
import type { Clock } from './clock';
import type { BranchRunner } from './branches';
import type { DurableWaits } from './durable';
import type { Defer } from './journal';
import type { ModelRunner } from './llmTypes';
import type { EngineStore } from './store';

/** What every side-effecting runner receives: a stable idempotency key, the attempt number, an abort signal. */
export interface EffectCall {
  idempotencyKey: string;
  attempt: number;
  signal: AbortSignal;
}

export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: unknown;
}

/** Side effects the engine cannot do itself, passed in by the host (worker, tests, a server). */
export interface Runners {
  /** Performs an HTTP request; throws StepFailure for classified errors. */
  http?(request: HttpRequest, call: EffectCall): Promise<HttpResponse>;
  /** Answers one round of an LLM step; the engine runs the tool loop and keeps the thread. */
  model?: ModelRunner;
}

/** Whether the network is there; while it is not, model calls wait instead of failing. */
export interface Network {
  isOnline(): boolean;
  untilOnline(signal: AbortSignal): Promise<void>;
  /**
   * Whether a model call for this step's provider and model goes over the network (a local demo model does not).
   * Default: yes. `effectKey`: the round's key (a host that replays a recording may know its answer).
   */
  neededFor?(provider: string | undefined, model: string, effectKey?: string): Promise<boolean>;
}

export interface EngineDeps {
  store: EngineStore;
  clock: Clock;
  runners: Runners;
  /** Secret values by name, read only at the moment of an HTTP request. */
  secret?(name: string): Promise<string | undefined>;
  /** Saved workflows by name, for subworkflow steps; `parent`: the run and step asking (a replay may have its own). */
  findWorkflow?(name: string, parent?: { runId: string; stepKey: string }): Promise<WorkflowFile | undefined>;
  /**
   * Whether the user allowed this workflow to contact `host`; undefined = ask (the step waits). `runId`: the run
   * asking (a replay of a recording may be answered without a request).
   */
  isHostApproved?(workflowHash: string, host: string, runId?: string): Promise<boolean>;
  /**
   * A host replaying a recording: the output it recorded for the effect under `effectKey` begun with this `input`
   * (an http step, a tool call), which then is not performed again. Default: none.
   */
  recordedOutput?(effectKey: string, input: unknown): Promise<{ output: unknown } | undefined>;
  /** A runtime that keeps waits durable itself (DBOS, `durable.ts`); default: the clock and the store's events. */
  durable?: DurableWaits;
  /** A runtime that runs multi-step branches and iterations apart (DBOS child workflows, `branches.ts`). */
  branches?: BranchRunner;
  /** Steps in flight across all runs (Convex's maxParallelism). Default 4. */
  maxParallelism?: number;
  defer?: Defer;
  newId?(): string;
  /** Told after every change a UI may want to show (run status, step records). */
  onChange?(runId: string): void;
  /** Streamed text of an LLM step so far (the host batches it to the tabs). */
  onStream?(runId: string, stepKey: string, text: string): void;
  network?: Network;
  /** Keys behind a passphrase: a model call that needs a locked key waits until they are unlocked. */
  keys?: {
    blocks(provider: string | undefined, effectKey?: string): Promise<boolean>;
    untilUnlocked(signal: AbortSignal): Promise<void>;
  };
}

/** Why a run's interpreter stopped without finishing. Never recorded as a step failure. */
export class RunStopped extends Error {
  override name = 'RunStopped';
  constructor(readonly reason: 'cancelled' | 'paused' | 'fenced' | 'crashed' | 'branch-lost' | 'superseded') {
    super(`run stopped: ${reason}`);
  }
}

/**
 * Settles with `work`, or rejects with the signal's reason as soon as it fires: work that ignores its signal cannot
 * hold its caller (an effect, or a host's durable wait, left to end by itself).
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Bounds work in flight: `acquire` waits for a free slot; FIFO so no run starves. */
export class Semaphore {
  private active = 0;
  private peak = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(private capacity: number) {}

  /** Changes the cap; waiters start at once when it grows, in-flight work is never interrupted. */
  setCapacity(capacity: number): void {
    this.capacity = Math.max(1, capacity);
    while (this.active < this.capacity && this.waiters.length > 0) this.waiters.shift()!();
  }

  get inFlight(): number {
    return this.active;
  }

  get peakInFlight(): number {
    return this.peak;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    if (this.active < this.capacity) {
      this.take();
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        this.take();
        resolve();
      };
      const onAbort = () => {
        const index = this.waiters.indexOf(wake);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(signal!.reason);
      };
      this.waiters.push(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Hands the slot to the next waiter only while under the cap: a lowered cap holds the queue back. */
  release(): void {
    this.active--;
    while (this.active < this.capacity && this.waiters.length > 0) this.waiters.shift()!();
  }

  private take(): void {
    this.active++;
    this.peak = Math.max(this.peak, this.active);
  }
}
