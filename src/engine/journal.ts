import type { EventRecord, RunRecord, StepRecord, ThreadMessageRecord } from './records';
import type { CommitBatch, EngineStore, TableUpdate } from './store';
import { keepRunTotals } from './runTotals';

/** Runs `fn` soon, after the current burst of microtasks: the moment a group commit closes. */
export type Defer = (fn: () => void) => void;

export const defaultDefer: Defer = (() => {
  if (typeof MessageChannel !== 'undefined') {
    // A message port callback is a macrotask without setTimeout's 4 ms clamp on nested timers.
    const channel = new MessageChannel();
    const queue: Array<() => void> = [];
    channel.port1.onmessage = () => queue.shift()?.();
    (channel.port1 as { unref?: () => void }).unref?.();
    return (fn: () => void) => {
      queue.push(fn);
      channel.port2.postMessage(null);
    };
  }
  return (fn: () => void) => void setTimeout(fn, 0);
})();

interface Pending {
  steps: Map<string, StepRecord>;
  run: RunRecord | undefined;
  events: Map<string, EventRecord>;
  tableUpdates: TableUpdate[];
  deleteStepKeys: string[];
  messages: Map<string, ThreadMessageRecord>;
  waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }>;
}

/**
 * One run's journal: the records in memory (loaded once, so replay never re-reads storage) and a
 * group-commit queue. Writes queued in the same tick commit in one transaction, fenced by generation.
 */
export class Journal {
  readonly records = new Map<string, StepRecord>();
  private pending: Pending | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private failure: unknown;
  private firstLanded!: { resolve: () => void; reject: (error: unknown) => void };
  /**
   * Settles once the run made progress: a commit with step records landed, or it ended or waits without one
   * (`progressed`); rejects with the error that stopped the journal before that.
   */
  readonly firstStepCommit = new Promise<void>((resolve, reject) => (this.firstLanded = { resolve, reject }));

  constructor(
    private readonly store: EngineStore,
    public run: RunRecord,
    steps: StepRecord[],
    private readonly defer: Defer,
  ) {
    for (const step of steps) this.records.set(step.key, step);
    this.firstStepCommit.catch(() => undefined);
  }

  get generation(): number {
    return this.run.generation;
  }

  /** Allocates the next recording position of this run. */
  nextSeq(): number {
    const seq = this.run.nextSeq;
    this.run = { ...this.run, nextSeq: seq + 1 };
    return seq;
  }

  /** Records a step (or effect) in memory and queues it; the promise resolves once it is durable. */
  putStep(record: StepRecord): Promise<void> {
    keepRunTotals(this, record);
    this.records.set(record.key, record);
    return this.enqueue((p) => p.steps.set(record.key, record));
  }

  /** Queues the record without waiting: it rides along with the next durable write (pure steps). */
  putStepLazily(record: StepRecord): void {
    keepRunTotals(this, record);
    this.records.set(record.key, record);
    this.enqueue((p) => p.steps.set(record.key, record)).catch(() => undefined);
  }

  putRun(run: RunRecord): Promise<void> {
    this.run = run;
    return this.enqueue((p) => (p.run = run));
  }

  /** Queues a thread message; it commits with the next write of this run. */
  putMessage(message: ThreadMessageRecord): void {
    this.enqueue((p) => p.messages.set(message.id, message)).catch(() => undefined);
  }

  putEvent(event: EventRecord): Promise<void> {
    return this.enqueue((p) => p.events.set(event.id, event));
  }

  /** Completes a step together with its table write; afterwards the record's output holds the result. */
  putStepWithTableUpdate(record: StepRecord, update: TableUpdate): Promise<void> {
    this.records.set(record.key, record);
    return this.enqueue((p) => {
      p.steps.set(record.key, record);
      p.tableUpdates.push(update);
    });
  }

  deleteSteps(keys: string[]): Promise<void> {
    for (const key of keys) this.records.delete(key);
    return this.enqueue((p) => {
      for (const key of keys) p.steps.delete(key);
      p.deleteStepKeys.push(...keys);
    });
  }

  /** The run went as far as it can for now (it ended, or waits with everything durable): stop waiting for a step. */
  progressed(): void {
    this.firstLanded.resolve();
  }

  /** Resolves when everything queued so far is durable. */
  sync(): Promise<void> {
    return this.enqueue(() => undefined);
  }

  private enqueue(add: (pending: Pending) => void): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (!this.pending) {
      this.pending = {
        steps: new Map(),
        run: undefined,
        events: new Map(),
        tableUpdates: [],
        deleteStepKeys: [],
        messages: new Map(),
        waiters: [],
      };
      this.defer(() => this.flush());
    }
    add(this.pending);
    const pending = this.pending;
    return new Promise((resolve, reject) => pending.waiters.push({ resolve, reject }));
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = undefined;
    if (!batch) return;
    // Transactions of one run commit in order: a later batch never overtakes an earlier one.
    this.flushing = this.flushing.then(() => this.commit(batch));
  }

  private async commit(batch: Pending): Promise<void> {
    if (this.failure !== undefined) {
      batch.waiters.forEach((w) => w.reject(this.failure));
      this.firstLanded.reject(this.failure);
      return;
    }
    const commit: CommitBatch = {
      fences: [{ runId: this.run.id, generation: this.run.generation }],
      steps: [...batch.steps.values()],
      runs: batch.run ? [batch.run] : [],
      events: [...batch.events.values()],
      tableUpdates: batch.tableUpdates,
      deleteStepKeys: batch.deleteStepKeys,
      messages: [...batch.messages.values()],
    };
    try {
      const result = await this.store.commit(commit);
      for (const [key, output] of Object.entries(result.tableOutputs)) {
        const record = this.records.get(key);
        if (record) this.records.set(key, { ...record, output });
      }
      batch.waiters.forEach((w) => w.resolve());
      if (commit.steps!.length > 0) this.firstLanded.resolve();
    } catch (error) {
      // After a failed write nothing later may commit on top of a gap: the journal is dead.
      this.failure = error;
      batch.waiters.forEach((w) => w.reject(error));
      this.firstLanded.reject(error);
    }
  }
}
