import { STORAGE_FULL_MESSAGE } from './storageFull';
import type { Step } from '../schema/steps';
import type { CompiledWorkflow } from './compile';
import { StepContext } from './context';
import { enclosingPaths, type Frame } from './frame';
import { runScope, type OpenStep } from './interpreter';
import { reachedStop, scopeToRun, stopsAfter } from './pins';
import type { Journal } from './journal';
import {
  stepKey,
  type EventRecord,
  type RunRecord,
  type RunStatus,
  type StepError,
  type StepRecord,
  type WaitReason,
} from './records';
import { RunStopped, type EngineDeps, type Semaphore } from './runtime';
import { FencedError, QuotaError } from './store';
import type { EventWait, HandlerTable } from './stepApi';
import type { RunHost, StepHost } from './stepServices';
import { Threads } from './threads';
import type { Usage } from './llmTypes';

/** Stops a wait's deadline timer without building a DOMException each time (its rejection is ignored). */
const WAIT_OVER = Object.freeze({ wait: 'over' });
export type StopReason = RunStopped['reason'] | 'timeout' | 'quota';

/** What the engine learns when a driver ends. */
export type DriverResult =
  { kind: 'finished'; run: RunRecord } | { kind: 'stopped'; reason: StopReason; error?: unknown };

/**
 * Drives one run in this engine: owns its journal, interprets its workflow from the top (recorded
 * steps replay instantly), tracks running time, waits and events, and writes the final status.
 */
export class RunDriver implements StepHost {
  stopReason: StopReason | undefined;
  /** The top-level step a resume walks on from (`frontier.ts`); undefined: from the workflow's entry. */
  resumeAt: Step | undefined;
  private readonly controller = new AbortController();
  private paused: { promise: Promise<void>; release: () => void } | undefined;
  private readonly events: EventRecord[];
  private readonly eventWaiters = new Set<() => void>();
  private activeEffects = 0;
  private waits = new Map<number, WaitReason>();
  private nextWaitId = 0;
  private runningSince: number | undefined;
  private readonly watchdog = new AbortController();
  readonly threads: Threads;
  /** Tokens and estimated cost of this run so far, for its budget (summed once at load, then kept). */
  readonly spent = { tokens: 0, costUsd: 0 };

  constructor(
    readonly deps: EngineDeps,
    readonly journal: Journal,
    readonly compiled: CompiledWorkflow,
    readonly handlers: HandlerTable,
    private readonly slots: Semaphore,
    events: EventRecord[],
    readonly children: RunHost,
  ) {
    this.events = events.filter((e) => e.consumedBy === undefined);
    this.threads = new Threads(deps.store, journal, () => deps.clock.now());
    // Kept on the run (`runTotals.ts`): a resume need not sum the whole journal.
    this.spend({ usage: { totalTokens: journal.run.totals?.tokens ?? 0 }, costUsd: journal.run.totals?.costUsd ?? 0 });
  }

  spend(reply: { usage?: Usage; costUsd?: number } | undefined): void {
    this.spent.tokens += reply?.usage?.totalTokens ?? 0;
    this.spent.costUsd += reply?.costUsd ?? 0;
  }

  get runId(): string {
    return this.journal.run.id;
  }

  get run(): RunRecord {
    return this.journal.run;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get terminals(): ReadonlySet<string> {
    return this.compiled.terminals;
  }

  record(key: string): StepRecord | undefined {
    return this.journal.records.get(key);
  }

  open(step: Step, frame: Frame, key: string, existing: StepRecord | undefined, logicalNow: number): OpenStep {
    return new StepContext(this, step, frame, key, existing, logicalNow);
  }

  /** "Run to here": the run ends after this step; the record `finish` writes says it stopped there. */
  stopsAfter(slug: string, path: string): boolean {
    if (!stopsAfter(this.run, slug, path)) return false;
    this.journal.run = reachedStop(this.run);
    return true;
  }

  isOnline(): boolean {
    return this.deps.network?.isOnline() ?? true;
  }

  /** Waits (as waiting, not running time) until the browser is back online; `stepKey` is the step that needs it. */
  async untilOnline(signal: AbortSignal, stepKey: string): Promise<void> {
    const network = this.deps.network;
    if (!network || network.isOnline()) return;
    await this.waiting(() => network.untilOnline(signal), { kind: 'network', stepKey });
  }

  changed(): void {
    this.deps.onChange?.(this.runId);
  }

  /** Interprets the whole workflow; resolves when the run finished or this driver was stopped. */
  async drive(): Promise<DriverResult> {
    if (this.run.status === 'paused') this.pause(false);
    else this.setStatus('running');
    const frame: Frame = { path: '', loop: undefined, signal: this.signal };
    try {
      const scope = scopeToRun(this.run, this.compiled);
      const outcome = await runScope(this, scope, frame, this.run.createdAt, this.resumeAt);
      if (outcome.status === 'ok') return await this.finish('completed', outcome.output);
      return await this.finish('failed', undefined, outcome.error);
    } catch (error) {
      return await this.onStopped(error);
    } finally {
      this.watchdog.abort();
      this.journal.progressed();
    }
  }

  private async onStopped(error: unknown): Promise<DriverResult> {
    const reason = this.stopReason ?? 'crashed';
    if (reason === 'timeout') {
      const limit = this.compiled.definition.workflowConfig.config?.timeout;
      return this.finish('failed', undefined, {
        message: `the run used its ${limit} ms of running time`,
        category: 'timeout',
        retryable: false,
      });
    }
    if (reason === 'quota') {
      // Only the run's status is written: every record already stored stays as it was. On a really
      // full disk this write fails too; the engine keeps the state in memory either way.
      const paused: RunRecord = {
        ...this.run,
        status: 'paused',
        error: { message: STORAGE_FULL_MESSAGE, category: 'quota', retryable: true },
        waits: [{ kind: 'storage-full' }],
        updatedAt: this.deps.clock.now(),
      };
      // The final write may be the one that did not fit: the run has not finished.
      delete paused.finishedAt;
      delete paused.output;
      delete paused.totals; // they may count a round the failed write lost: the resume sums the journal
      await this.deps.store
        .commit({ fences: [{ runId: this.runId, generation: this.run.generation }], runs: [paused] })
        .catch(() => undefined);
      this.changed();
    }
    return { kind: 'stopped', reason, error };
  }

  private async finish(status: 'completed' | 'failed', output: unknown, error?: StepError): Promise<DriverResult> {
    this.accountRunningTime();
    const now = this.deps.clock.now();
    const run: RunRecord = { ...this.run, status, updatedAt: now, finishedAt: now };
    delete run.waits;
    // The last output is the terminal trigger's data when the run reached one (runScope stops there).
    if (status === 'completed') run.output = output;
    if (error) run.error = error;
    try {
      await this.durably(this.journal.putRun(run));
    } catch (stopped) {
      return this.onStopped(stopped);
    }
    this.changed();
    return { kind: 'finished', run };
  }

  /** Stops the interpreter: in-flight effects see their AbortSignal fire at once. */
  stop(reason: StopReason): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    this.controller.abort(new RunStopped(reason === 'timeout' || reason === 'quota' ? 'crashed' : reason));
    this.paused?.release();
  }

  isStopping(): boolean {
    return this.stopReason !== undefined;
  }

  stopping(error: unknown): RunStopped | undefined {
    return error instanceof RunStopped || this.stopReason ? this.stopError(error) : undefined;
  }

  stopError(cause: unknown): RunStopped {
    if (cause instanceof RunStopped) return cause;
    return new RunStopped(
      this.stopReason === 'timeout' || this.stopReason === 'quota' || !this.stopReason ? 'crashed' : this.stopReason,
    );
  }

  /** Awaits a journal write; a failed write stops the run (fenced: someone newer owns it; quota: pause). */
  async durably(write: Promise<void>): Promise<void> {
    try {
      await write;
    } catch (error) {
      this.writeFailed(error);
      throw this.stopError(error);
    }
  }

  /** After a failed write the journal takes no more: stop now, even when nothing awaited the write. */
  private writeFailed(error: unknown): void {
    this.stop(error instanceof FencedError ? 'fenced' : error instanceof QuotaError ? 'quota' : 'crashed');
  }

  /** Before each step: stopped runs go no further; paused runs start nothing new until resumed. */
  async gate(frame: Frame): Promise<void> {
    while (this.paused && !this.stopReason) await this.paused.promise;
    if (this.stopReason) throw this.stopError(undefined);
    if (frame.signal.aborted) throw frame.signal.reason;
  }

  pause(persist = true): void {
    if (this.paused) return;
    let release!: () => void;
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.paused = { promise, release };
    if (persist) this.setStatus('paused');
  }

  resume(): void {
    const paused = this.paused;
    this.paused = undefined;
    // A storage-full pause (written before a reload) clears once the user resumes.
    if (this.run.error?.category === 'quota') this.journal.run = withoutError(this.run);
    this.setStatus('running');
    paused?.release();
  }

  /** Runs `fn` holding one of the engine-wide slots (steps in flight across all runs). */
  async withSlot<T>(signal: AbortSignal, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    await this.slots.acquire(signal);
    this.activeEffects++;
    this.refreshStatus();
    try {
      return await fn(signal);
    } finally {
      this.activeEffects--;
      this.slots.release();
      this.refreshStatus();
    }
  }

  /**
   * Marks time spent in `fn` as waiting (not running time) while nothing else runs; the run record lists `reason`
   * meanwhile.
   */
  async waiting<T>(fn: () => Promise<T>, reason: WaitReason): Promise<T> {
    const id = this.nextWaitId++;
    this.waits.set(id, reason);
    this.refreshStatus();
    // Waiting with everything before it durable is progress (a resume on a disk that was full holds until then);
    // a wait whose time is already up is not: the run writes its end at once.
    if (this.run.status === 'waiting' && !isDue(reason, this.deps.clock.now()))
      this.journal.sync().then(() => this.journal.progressed(), ignoreFailure);
    try {
      return await fn();
    } finally {
      this.waits.delete(id);
      this.refreshStatus();
    }
  }

  /** The run's waits are listed whatever its status, so a wait's control shows while other branches run. */
  private refreshStatus(): void {
    if (this.stopReason) return;
    const waiting = this.waits.size > 0 && this.activeEffects === 0;
    this.setStatus(this.paused ? 'paused' : waiting ? 'waiting' : 'running');
  }

  private setStatus(status: RunStatus): void {
    const waits = [...this.waits.values()];
    if (this.run.status === status && sameWaits(this.run.waits, waits)) return;
    this.accountRunningTime();
    const now = this.deps.clock.now();
    this.runningSince = status === 'running' ? now : undefined;
    const run: RunRecord = { ...this.run, status, updatedAt: now };
    if (waits.length === 0) delete run.waits;
    else run.waits = waits;
    // Nobody awaits a status: a failed write (a full disk) still stops the run at once.
    this.journal.putRun(run).catch((error: unknown) => this.writeFailed(error));
    this.changed();
    if (status === 'running') this.armWatchdog();
  }

  private accountRunningTime(): void {
    if (this.runningSince === undefined) return;
    const now = this.deps.clock.now();
    this.journal.run = { ...this.run, activeMs: this.run.activeMs + (now - this.runningSince) };
    this.runningSince = now;
  }

  /** The run's timeout counts running time only: re-armed each time the run starts running again. */
  private armWatchdog(): void {
    const limit = this.compiled.definition.workflowConfig.config?.timeout;
    if (limit === undefined || this.runningSince === undefined) return;
    const since = this.runningSince;
    const at = since + Math.max(0, limit - this.run.activeMs);
    this.deps.clock.sleepUntil(at, this.watchdog.signal).then(
      () => {
        if (this.runningSince === since && !this.stopReason) this.stop('timeout');
      },
      () => undefined,
    );
  }

  /** The output of `slug` as seen from `path`: its own iteration or branch first, then enclosing ones. */
  visibleOutput(slug: string, path: string): { found: true; value: unknown } | { found: false } {
    for (const candidate of enclosingPaths(path)) {
      const output = this.outputAt(slug, candidate);
      if (output.found) return output;
    }
    return { found: false };
  }

  outputAt(slug: string, path: string): { found: true; value: unknown } | { found: false } {
    const record = this.journal.records.get(stepKey(this.runId, slug, path));
    return record?.status === 'completed' ? { found: true, value: record.output } : { found: false };
  }

  triggerData(): unknown {
    const record = this.journal.records.get(stepKey(this.runId, this.compiled.top.entry.stepSlug, ''));
    return record?.output;
  }

  deliver(event: EventRecord): void {
    this.events.push(event);
    for (const wake of [...this.eventWaiters]) wake();
  }

  claimEvent(event: EventRecord): void {
    const index = this.events.findIndex((e) => e.id === event.id);
    if (index >= 0) this.events.splice(index, 1);
  }

  /** The oldest unclaimed event named `name`; waits for one until `deadline` or abort. */
  async nextEvent(name: string, deadline: number | undefined, signal: AbortSignal): Promise<EventWait> {
    for (;;) {
      const event = this.events.find((e) => e.name === name);
      if (event) return { kind: 'event', event };
      if (deadline !== undefined && this.deps.clock.now() >= deadline) return { kind: 'timeout' };
      await new Promise<void>((resolve, reject) => {
        const stop = new AbortController();
        const onAbort = () => {
          this.eventWaiters.delete(wake);
          stop.abort(WAIT_OVER);
          reject(signal.reason);
        };
        const wake = () => {
          this.eventWaiters.delete(wake);
          signal.removeEventListener('abort', onAbort);
          stop.abort(WAIT_OVER);
          resolve();
        };
        this.eventWaiters.add(wake);
        if (deadline !== undefined) this.deps.clock.sleepUntil(deadline, stop.signal).then(wake, () => undefined);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    }
  }
}

/** A sleep or retry backoff whose wake time passed, or an event wait whose timeout passed. */
function isDue(reason: WaitReason, now: number): boolean {
  const until = 'wakeAt' in reason ? reason.wakeAt : 'timeoutAt' in reason ? reason.timeoutAt : undefined;
  return until !== undefined && until <= now;
}

/** A failed write is handled where it is awaited (`durably`); here it only means no progress. */
function ignoreFailure(): void {}

function sameWaits(stored: readonly WaitReason[] | undefined, current: readonly WaitReason[]): boolean {
  return JSON.stringify(stored ?? []) === JSON.stringify(current);
}

function withoutError(run: RunRecord): RunRecord {
  const next = { ...run };
  delete next.error;
  return next;
}
