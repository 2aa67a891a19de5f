import type { WorkflowFile } from '../schema/workflow';
import { Definitions } from './definitions';
import { RunDriver, type DriverResult } from './driver';
import { InputError } from './input';
import { StorageFullRuns, type StorageFullRun } from './storageFull';
import type { RunHost } from './stepServices';
import { HANDLERS } from './handlers';
import { eventName, eventNameProblem, type EventAddress } from './events';
import { defaultDefer, Journal } from './journal';
import {
  FINISHED_RUN_STATUSES,
  UnreadableRecordError,
  type EventRecord,
  type RunRecord,
  type StepError,
  type StepRecord,
} from './records';
import { Semaphore, type EngineDeps } from './runtime';
import { QuotaError } from './store';
import { directStore } from './directStore';
import { loadJournal } from './frontier';
import { preparePinnedRun, type PinnedStart } from './pins';
import { BUDGET_CONTINUE, checkBudgetCaps, overBudgetError, pendingBudgetWait } from './budget';
import {
  cancelledRun,
  editRun,
  forkedHistory,
  forkedRun,
  childRunRecord,
  newRunRecord,
  restartedRun,
  stepsFrom,
  type RunEdit,
} from './operator';

import { DEFAULT_MAX_PARALLELISM } from '../schema/limits';

export interface StartOptions {
  workflow: WorkflowFile;
  workflowId?: string;
  input: unknown;
  mode?: 'durable' | 'direct';
  /** A replay of a run opened from a bundle (`RunRecord.replayOf`): the host serves its recorded answers. */
  replayOf?: string;
  /** Pinned outputs by step slug (runs the user starts from the editor only): see `pins.ts`. */
  pins?: PinnedStart['pins'];
  /** "Run this step" or "run to here". */
  partial?: PinnedStart['partial'];
  /** Caps for this run (the run form), overriding the workflow's `config.limits` of the same kind. */
  budget?: RunRecord['budget'];
  /** The run's id, chosen by the caller: a start with the id of a stored run returns it, never runs it again. */
  runId?: string;
  /** An experiment's cell (or judge) run: its batch (`RunRecord.batchId`). */
  batchId?: string;
}

/**
 * The executor: starts, resumes and steers runs. Each active run has one RunDriver; the engine is the
 * only writer of runs and journals, always through `deps.store`.
 */
export class Engine implements RunHost {
  readonly slots: Semaphore;
  private readonly drivers = new Map<string, RunDriver>();
  private readonly launching = new Set<string>();
  private readonly finished = new Map<string, Array<(run: RunRecord) => void>>();
  private readonly running = new Set<Promise<unknown>>();
  /** Kept in memory: on a really full disk even the pause that says so cannot be written. */
  private readonly storageFull: StorageFullRuns;
  private readonly definitions: Definitions;

  constructor(readonly deps: EngineDeps) {
    this.slots = new Semaphore(deps.maxParallelism ?? DEFAULT_MAX_PARALLELISM);
    this.storageFull = new StorageFullRuns(deps.clock);
    this.definitions = new Definitions(deps.store);
  }

  private newId(): string {
    return this.deps.newId?.() ?? crypto.randomUUID();
  }

  /** Validates workflow and input, stores the definition once by content hash, and starts the run. */
  async start(options: StartOptions): Promise<string> {
    if (options.runId !== undefined && (await this.deps.store.loadRun(options.runId))) return options.runId;
    const { compiled, hash } = await this.definitions.save(options.workflow, options.input);
    const run = newRunRecord(this.deps.clock.now(), {
      id: options.runId ?? this.newId(),
      hash,
      name: compiled.definition.workflowConfig.name,
      input: options.input,
      mode: options.mode ?? 'durable',
    });
    if (options.workflowId) run.workflowId = options.workflowId;
    if (options.replayOf) run.replayOf = options.replayOf;
    if (options.batchId) run.batchId = options.batchId;
    if (options.budget) run.budget = checkBudgetCaps(options.budget);
    const pinned = await preparePinnedRun(this.deps.store, compiled, options, run);
    await this.deps.store.commit({ fences: [], runs: [pinned.run], steps: pinned.steps });
    this.deps.onChange?.(run.id);
    await this.launch(pinned.run);
    return run.id;
  }

  /**
   * At boot or takeover: every unfinished run continues here. Taking a run bumps its generation, so
   * a tab that drove it before (frozen, not dead) can never write to it again. A direct (not durable)
   * run cannot continue and says so.
   */
  async resumeAll(): Promise<void> {
    const runs = await this.deps.store.listUnfinishedRuns();
    for (const run of runs.sort((a, b) => a.depth - b.depth || a.createdAt - b.createdAt)) {
      if (this.drivers.has(run.id) || this.launching.has(run.id)) continue;
      if (run.mode === 'direct') {
        await this.failOnResume(run, {
          message: 'interrupted (not durable): direct runs do not survive a reload',
          category: 'interrupted',
          retryable: false,
        });
        continue;
      }
      const owned = await this.takeOver(run.id);
      if (owned) await this.launch(owned.run).catch((error: unknown) => this.failUnreadable(owned.run, error));
    }
  }

  /** A run whose journal cannot be read fails saying which record and field; the other runs go on. */
  private async failUnreadable(run: RunRecord, error: unknown): Promise<void> {
    if (!(error instanceof UnreadableRecordError)) throw error;
    await this.failOnResume(run, { message: error.message, category: 'internal', retryable: false });
  }

  /** Bumps the run's generation; on a full disk the run is reported storage-full and stays as stored. */
  private async takeOver(runId: string): Promise<RunEdit | undefined> {
    try {
      return await editRun(
        this.deps,
        runId,
        (current) => (FINISHED_RUN_STATUSES.has(current.status) ? undefined : { run: current }),
        undefined,
        false,
      );
    } catch (error) {
      if (!(error instanceof QuotaError)) throw error;
      this.setStorageFull(runId, true);
      return undefined;
    }
  }

  private async failOnResume(run: RunRecord, error: StepError): Promise<void> {
    const now = this.deps.clock.now();
    const failed: RunRecord = { ...run, status: 'failed', finishedAt: now, updatedAt: now, error };
    delete failed.waits;
    await this.deps.store.commit({ fences: [{ runId: run.id, generation: run.generation }], runs: [failed] });
    this.settle(failed);
  }

  /** Loads a run's journal once and drives it in this engine. */
  private async launch(run: RunRecord): Promise<void> {
    // One driver per run per engine: a second launch while the first loads would drive it twice.
    if (this.drivers.has(run.id) || this.launching.has(run.id)) return;
    this.launching.add(run.id);
    try {
      await this.launchNow(run);
    } finally {
      this.launching.delete(run.id);
    }
  }

  private async launchNow(run: RunRecord): Promise<void> {
    // The journal's end loads while the definition compiles; what it reads by key waits for the definition.
    const compiling = this.definitions.compiledFor(run.workflowHash);
    const [compiled, { steps, resumeAt, totals }, events] = await Promise.all([
      compiling,
      loadJournal(this.deps.store, run, compiling),
      this.deps.store.loadEvents(run.id),
    ]);
    const store = run.mode === 'direct' ? directStore(this.deps.store) : this.deps.store;
    const nextSeq = steps.reduce((max, s) => Math.max(max, s.seq + 1), run.nextSeq);
    const journal = new Journal(store, { ...run, nextSeq, totals }, steps, this.deps.defer ?? defaultDefer);
    const driver = new RunDriver(this.deps, journal, compiled, HANDLERS, this.slots, events, this);
    driver.resumeAt = resumeAt;
    this.drivers.set(run.id, driver);
    const driving = driver.drive().then((result) => this.onDriverEnd(run.id, driver, result));
    this.running.add(driving);
    void driving.finally(() => this.running.delete(driving));
  }

  private onDriverEnd(runId: string, driver: RunDriver, result: DriverResult): void {
    if (this.drivers.get(runId) === driver) this.drivers.delete(runId);
    if (result.kind === 'finished') this.settle(result.run);
    else if (result.reason === 'quota') this.setStorageFull(runId, true);
  }

  /** Runs stopped because storage is full, oldest first. */
  storageFullRuns(): StorageFullRun[] {
    return this.storageFull.list();
  }

  /** Calls `watcher` with every storage-full run each time that list changes; returns the unsubscribe. */
  watchStorage(watcher: (runs: StorageFullRun[]) => void): () => void {
    return this.storageFull.watch(watcher);
  }

  private setStorageFull(runId: string, full: boolean): void {
    if (this.storageFull.set(runId, full)) this.deps.onChange?.(runId);
  }

  private settle(run: RunRecord): void {
    this.setStorageFull(run.id, false);
    const waiters = this.finished.get(run.id) ?? [];
    this.finished.delete(run.id);
    waiters.forEach((resolve) => resolve(run));
    this.deps.onChange?.(run.id);
  }

  async awaitRun(runId: string, signal?: AbortSignal): Promise<RunRecord> {
    // A run driven here has not settled yet (its driver goes before it settles): nothing to read.
    const stored = this.drivers.has(runId) ? undefined : await this.deps.store.loadRun(runId);
    if (stored && FINISHED_RUN_STATUSES.has(stored.status)) return stored;
    return new Promise((resolve, reject) => {
      const list = this.finished.get(runId) ?? [];
      list.push(resolve);
      this.finished.set(runId, list);
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }

  async ensureChildRun(args: {
    id: string;
    workflowName: string;
    input: unknown;
    parent: RunRecord;
    parentStepKey: string;
  }): Promise<void> {
    if (this.drivers.has(args.id) || this.launching.has(args.id)) return;
    const existing = await this.deps.store.loadRun(args.id);
    if (existing) {
      if (!FINISHED_RUN_STATUSES.has(existing.status)) await this.launch(existing);
      return;
    }
    const parent = { runId: args.parent.id, stepKey: args.parentStepKey };
    const workflow = await this.deps.findWorkflow?.(args.workflowName, parent);
    if (!workflow) throw new InputError(`no saved workflow is named "${args.workflowName}"`);
    const { hash } = await this.definitions.save(workflow, args.input);
    const run = childRunRecord(this.deps.clock.now(), { ...args, hash });
    if (args.parent.batchId) run.batchId = args.parent.batchId; // an experiment's subworkflow runs are its runs too
    await this.deps.store.commit({ fences: [], runs: [run] });
    await this.launch(run);
  }

  /** Stops the run at once (in-flight work is aborted), cancels its child runs, and fences every older writer. */
  async cancel(runId: string, why?: StepError): Promise<void> {
    const driver = this.drivers.get(runId);
    driver?.stop('cancelled');
    const run = await editRun(
      this.deps,
      runId,
      (current, steps) => cancelledRun(current, steps, this.deps.clock.now(), why),
      driver?.run,
    );
    if (!run) return;
    this.settle(run.run);
    for (const step of run.steps ?? []) if (step.childRunId) await this.cancel(step.childRunId);
  }

  async pause(runId: string): Promise<void> {
    const driver = this.drivers.get(runId);
    if (driver) return driver.pause();
    await editRun(this.deps, runId, (run) =>
      FINISHED_RUN_STATUSES.has(run.status)
        ? undefined
        : { run: { ...run, status: 'paused', updatedAt: this.deps.clock.now() } },
    );
  }

  /**
   * Resumes a paused run, or one stopped by a full disk whatever its stored status says (the pause
   * may not have fit). Still full: rejects with QuotaError and the run stays storage-full.
   */
  async resume(runId: string): Promise<void> {
    const driver = this.drivers.get(runId);
    if (driver) return driver.resume();
    const full = this.storageFull.has(runId);
    const edited = await editRun(this.deps, runId, (run) => {
      if (FINISHED_RUN_STATUSES.has(run.status) || (run.status !== 'paused' && !full)) return undefined;
      const next: RunRecord = { ...run, status: 'running', updatedAt: this.deps.clock.now() };
      delete next.error; // a storage-full pause clears once the user resumes
      delete next.waits;
      return { run: next };
    });
    this.setStorageFull(runId, false);
    if (edited) await this.launch(edited.run);
    // A disk that was full may still take a small write and not the run's next: the resume says so once that fails.
    if (edited && full) await this.drivers.get(runId)?.journal.firstStepCommit;
  }

  /** Kept until a waiting step consumes it, exactly once, even when sent before the run reaches the wait. */
  async sendEvent(runId: string, name: string, payload: unknown, note?: string): Promise<void> {
    const problem = eventNameProblem(name);
    if (problem) throw new InputError(`event "${name.slice(0, 200)}": ${problem}`);
    await this.deliver(runId, { kind: 'named', name }, payload, note);
  }

  approve(runId: string, stepKey: string, approved: boolean, note?: string): Promise<void> {
    return this.deliver(
      runId,
      { kind: 'approval', stepKey },
      note === undefined ? { approved } : { approved, note },
      note,
    );
  }

  /** The user's answer to a step waiting to contact `host` (normal form). */
  confirmHost(runId: string, host: string, approved: boolean, note?: string): Promise<void> {
    return this.deliver(runId, { kind: 'host', host }, { approved }, note);
  }

  /**
   * The answer to a run waiting on its budget at the round `stepKey`: Continue raises the cap by the run's own cap
   * (an event the round consumes once); Stop cancels the run as over budget. `note`: the user's reason, recorded.
   */
  async answerBudget(runId: string, stepKey: string, decision: 'continue' | 'stop', note?: string): Promise<void> {
    const wait = pendingBudgetWait(this.drivers.get(runId)?.run ?? (await this.deps.store.loadRun(runId)), stepKey);
    if (!wait) throw new InputError('this run is not waiting on its budget there any more');
    if (decision === 'stop') return this.cancel(runId, overBudgetError(wait, note));
    return this.deliver(runId, { kind: 'budget', stepKey }, BUDGET_CONTINUE, note);
  }

  private async deliver(runId: string, address: EventAddress, payload: unknown, note?: string): Promise<void> {
    const event: EventRecord = {
      id: this.newId(),
      runId,
      name: eventName(address),
      payload,
      sentAt: this.deps.clock.now(),
      ...(note ? { note } : {}),
    };
    await this.deps.store.commit({ fences: [], events: [event] });
    this.drivers.get(runId)?.deliver(event);
    this.deps.onChange?.(runId);
  }

  /** Discards the step's result and everything recorded after it, then runs on; upstream outputs are reused. */
  async restartFrom(runId: string, key: string): Promise<void> {
    this.drivers.get(runId)?.stop('superseded');
    this.drivers.delete(runId);
    let dropped: StepRecord[] = [];
    const edited = await editRun(this.deps, runId, (run, steps) => {
      dropped = stepsFrom(steps, key);
      return { run: restartedRun(run, key, this.deps.clock.now()), deleteStepKeys: dropped.map((s) => s.key) };
    });
    if (!edited) return;
    for (const step of dropped) if (step.childRunId) await this.cancel(step.childRunId).catch(() => undefined);
    await this.launch(edited.run);
  }

  /** A new run that shares this one's history up to the step, whose output is replaced; the original is untouched. */
  async fork(runId: string, key: string, output: unknown): Promise<string> {
    const run = await this.deps.store.loadRun(runId);
    if (!run) throw new Error(`no run ${runId}`);
    const id = this.newId();
    const history = forkedHistory(
      await this.deps.store.loadSteps(runId),
      { runId, key },
      output,
      id,
      this.deps.clock.now(),
    );
    const forked = forkedRun(run, { id, stepKey: key, now: this.deps.clock.now() });
    await this.deps.store.commit({ fences: [], runs: [forked], steps: history });
    this.deps.onChange?.(id);
    await this.launch(forked);
    return id;
  }

  isDriving(runId: string): boolean {
    return this.drivers.has(runId);
  }

  /** Resolves when no run is being driven any more (a run waiting for an event keeps it pending). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.race(this.running);
  }

  /** Stops driving everything without changing any run (the page is going away). */
  shutdown(): void {
    for (const driver of this.drivers.values()) driver.stop('superseded');
    this.drivers.clear();
    this.definitions.forgetSaved();
  }
}
