import { evaluateCondition, evaluateExpression, type ExpressionContext } from '../schema/expression';
import type { Step } from '../schema/steps';
import { resolveTemplates, type ResolveOptions, type TemplateScope } from '../schema/template';
import type { RunDriver } from './driver';
import { enclosingPaths, iterationPath, type Frame, type StepOutcome } from './interpreter';
import { stepKey, type EventRecord, type StepRecord, type WaitReason } from './records';
import { failure, resolveRetryPolicy, retryDelayMs, StepFailure, toStepError } from './retry';
import { RunStopped, type EffectCall } from './runtime';
import type { TableUpdate } from './store';

/** An effect's time limit for steps that set no `timeoutMs` (`EFFECT_TIMEOUT_MS`), and what to call it in the message. */
export interface DefaultTimeout {
  defaultMs: number;
  what: string;
}

/** Settles with the effect, or rejects with the signal's reason as soon as it fires: an effect that ignores its signal cannot hold the attempt. */
function untilAborted<T>(effect: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    effect.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Attempts cut off by reloads in a row before the step fails instead of trying again. */
export const MAX_INTERRUPTIONS = 5;

/**
 * What a step handler may do. Handlers never touch storage: they ask for effects, waits and
 * events here, and the engine journals them under the step's key.
 */
export class StepContext {
  private record: StepRecord | undefined;
  private consumed: EventRecord | undefined;
  private finished = false;
  private meta: Record<string, unknown> = {};
  private cachedScope: TemplateScope | undefined;
  /** The record was loaded at resume: a "running" attempt in it belongs to a page that died. */
  private fromStorage: boolean;

  constructor(
    readonly driver: RunDriver,
    readonly step: Step,
    readonly frame: Frame,
    readonly key: string,
    existing: StepRecord | undefined,
    /** Deterministic time for side-effect-free work: the end time of the previous step. */
    readonly logicalNow: number,
    /** Set for an effect inside a step (an LLM round, a tool call): its record names its step. */
    private readonly effectOf?: { parentKey: string; stepType: string },
  ) {
    this.record = existing;
    this.fromStorage = existing !== undefined;
  }

  get signal(): AbortSignal {
    return this.frame.signal;
  }

  /** When this step ended (recorded), for the next step's logical time. */
  get endedAt(): number {
    return this.record?.endedAt ?? this.logicalNow;
  }

  /**
   * Built once per step: what a leaf step reads cannot change while it runs. A container's body
   * writes outputs its `while` may read, so containers build it afresh each time.
   */
  scope(): TemplateScope {
    if (this.step.stepType === 'loop' || this.step.stepType === 'parallel') return this.buildScope();
    this.cachedScope ??= this.buildScope();
    return this.cachedScope;
  }

  /** Only the outputs this step reads are gathered: cost does not grow with the run's history. */
  private buildScope(): TemplateScope {
    const { driver, frame } = this;
    const steps: Record<string, { output: unknown }> = {};
    for (const slug of driver.compiled.reads.get(this.step.stepSlug) ?? []) {
      const output = driver.visibleOutput(slug, frame.path);
      if (output.found) steps[slug] = { output: output.value };
    }
    const scope: TemplateScope = {
      input: driver.run.input,
      trigger: { data: driver.triggerData() },
      steps,
      variables: driver.compiled.definition.workflowConfig.config?.variables ?? {},
      run: { id: driver.runId },
    };
    if (frame.loop) scope.loop = { item: frame.loop.item, index: frame.loop.index, previous: this.previousIteration(frame.loop) };
    return scope;
  }

  private previousIteration(loop: NonNullable<Frame['loop']>): Record<string, { output: unknown }> {
    const previous: Record<string, { output: unknown }> = {};
    if (loop.index === 0) return previous;
    const path = iterationPath(loop.containerPath, loop.slug, loop.index - 1);
    for (const slug of this.driver.compiled.reads.get(this.step.stepSlug) ?? []) {
      const record = this.driver.journal.records.get(stepKey(this.driver.runId, slug, path));
      if (record?.status === 'completed') previous[slug] = { output: record.output };
    }
    return previous;
  }

  resolve(value: unknown, options?: ResolveOptions): unknown {
    return resolveTemplates(value, this.scope(), options);
  }

  private expressionContext(): ExpressionContext {
    const scope = this.scope();
    return { input: scope.input, trigger: scope.trigger, steps: scope.steps, variables: scope.variables, loop: scope.loop, run: scope.run };
  }

  evaluate(source: string): Promise<unknown> {
    return evaluateExpression(source, this.expressionContext(), { nowMs: this.logicalNow, seed: this.key });
  }

  condition(source: string, loopOverride?: unknown): Promise<boolean> {
    const context = this.expressionContext();
    if (loopOverride !== undefined) context.loop = loopOverride;
    return evaluateCondition(source, context, { nowMs: this.logicalNow, seed: this.key });
  }

  setMeta(meta: Record<string, unknown>): void {
    Object.assign(this.meta, meta);
  }

  /** Records the step as started (queued; it commits with the next durable write). Idempotent on resume. */
  begin(fields: Partial<Pick<StepRecord, 'input' | 'wakeAt' | 'childRunId' | 'status'>> = {}): StepRecord {
    if (this.record) return this.record;
    this.record = this.newRecord(this.driver.deps.clock.now(), fields);
    this.driver.journal.putStepLazily(this.record);
    this.driver.changed();
    return this.record;
  }

  private newRecord(startedAt: number, fields: Partial<StepRecord> = {}): StepRecord {
    return {
      key: this.key,
      runId: this.driver.runId,
      slug: this.step.stepSlug,
      path: this.frame.path,
      stepType: this.effectOf?.stepType ?? this.step.stepType,
      ...(this.effectOf ? { parentKey: this.effectOf.parentKey } : {}),
      seq: this.driver.journal.nextSeq(),
      status: 'started',
      attempts: [],
      interruptions: 0,
      startedAt,
      ...fields,
    };
  }

  /** Writes the record and waits until it is durable. */
  private async persist(record: StepRecord): Promise<void> {
    this.record = record;
    this.driver.changed();
    await this.driver.durably(this.driver.journal.putStep(record));
  }

  /**
   * Runs the side effect under the step's key with the retry policy: each attempt is durably recorded
   * before it starts; a retry's wake time is recorded, so a reload waits out the same backoff.
   */
  async attempt<T>(effect: (call: EffectCall) => Promise<T>, timeout?: DefaultTimeout): Promise<T> {
    let record = this.countInterruption(this.begin());
    const policy = resolveRetryPolicy(this.driver.compiled.definition.workflowConfig.config?.retryPolicy, this.step.retryPolicy);
    for (;;) {
      if (record.wakeAt !== undefined) await this.sleepUntil(record.wakeAt, 'retry');
      const n = record.attempts.length + 1;
      record = { ...record, status: 'started', wakeAt: undefined, attempts: [...record.attempts, { n, startedAt: this.driver.deps.clock.now(), outcome: 'running' }] };
      await this.persist(record);
      const result = await this.driver.withSlot(this.signal, (signal) => this.runAttempt(effect, n, signal, timeout));
      record = this.record!;
      if (result.ok) return result.value;
      if (result.error.category === 'network' && !this.driver.isOnline()) {
        // Failed because the browser went offline: not the step's fault, so it costs no retry.
        record = this.markLastAttempt('interrupted');
        await this.driver.untilOnline(this.signal, this.key);
        continue;
      }
      const failures = record.attempts.filter((a) => a.outcome === 'error' || a.outcome === 'timeout').length;
      if (!result.error.retryable || failures > policy.maxRetries) throw new StepFailure(result.error);
      record = { ...record, wakeAt: this.driver.deps.clock.now() + retryDelayMs(policy, failures, this.key, result.error.retryAfterMs) };
      await this.persist(record);
    }
  }

  private async runAttempt<T>(effect: (call: EffectCall) => Promise<T>, n: number, outer: AbortSignal, timeout: DefaultTimeout | undefined) {
    const controller = new AbortController();
    const abort = () => controller.abort(outer.reason);
    outer.addEventListener('abort', abort, { once: true });
    const timer = this.armTimeout(controller, timeout);
    try {
      const value = await untilAborted(effect({ idempotencyKey: this.key, attempt: n, signal: controller.signal }), controller.signal);
      this.endAttempt('ok');
      return { ok: true as const, value };
    } catch (error) {
      if (outer.aborted && outer.reason instanceof RunStopped) throw outer.reason;
      if (outer.aborted || this.driver.stopReason) throw this.driver.stopError(error);
      const stepError = controller.signal.reason instanceof StepFailure ? controller.signal.reason.stepError : toStepError(error);
      this.endAttempt(stepError.category === 'timeout' ? 'timeout' : 'error', stepError);
      return { ok: false as const, error: stepError };
    } finally {
      timer.abort();
      outer.removeEventListener('abort', abort);
    }
  }

  /**
   * The step's `timeoutMs`, else the effect's default, fires the attempt's AbortSignal with a
   * retryable timeout failure: it bounds the whole attempt, connecting and reading the body included.
   */
  private armTimeout(controller: AbortController, fallback: DefaultTimeout | undefined): AbortController {
    const stop = new AbortController();
    const timeoutMs = this.step.timeoutMs ?? fallback?.defaultMs;
    if (timeoutMs === undefined) return stop;
    const message = this.step.timeoutMs !== undefined
      ? `step timed out after ${timeoutMs} ms`
      : `no complete answer within ${timeoutMs / 1000} s, the default for ${fallback!.what} (set the step's timeoutMs to change it)`;
    const at = this.driver.deps.clock.now() + timeoutMs;
    this.driver.deps.clock.sleepUntil(at, stop.signal).then(() => controller.abort(failure('timeout', message, true)), () => undefined);
    return stop;
  }

  private markLastAttempt(outcome: 'interrupted'): StepRecord {
    const record = this.record!;
    const attempts = record.attempts.slice();
    attempts[attempts.length - 1] = { ...attempts[attempts.length - 1]!, outcome };
    this.record = { ...record, attempts };
    return this.record;
  }

  /** Streamed text so far, kept on the running attempt (throttled by the caller); never in the thread. */
  checkpointPartial(text: string): void {
    const record = this.record;
    const last = record?.attempts[record.attempts.length - 1];
    if (!record || last?.outcome !== 'running') return;
    this.record = { ...record, attempts: [...record.attempts.slice(0, -1), { ...last, partialText: text }] };
    this.driver.journal.putStepLazily(this.record);
    this.driver.changed();
  }

  private endAttempt(outcome: 'ok' | 'error' | 'timeout', error?: StepRecord['error']): void {
    const record = this.record!;
    const attempts = record.attempts.slice();
    const last = attempts[attempts.length - 1]!;
    const ended = { ...last, outcome, endedAt: this.driver.deps.clock.now(), ...(error ? { error } : {}) };
    // A successful attempt's streamed text is its output: keeping it twice would only cost space.
    if (outcome === 'ok') delete ended.partialText;
    attempts[attempts.length - 1] = ended;
    this.record = { ...record, attempts, interruptions: 0 };
  }

  /** A last attempt still "running" at resume was cut off by a reload: count it, never against maxRetries. */
  private countInterruption(record: StepRecord): StepRecord {
    const last = record.attempts[record.attempts.length - 1];
    if (last?.outcome !== 'running' || !this.fromStorage) return record;
    this.fromStorage = false;
    const attempts = [...record.attempts.slice(0, -1), { ...last, outcome: 'interrupted' as const, endedAt: this.driver.deps.clock.now() }];
    const interruptions = record.interruptions + 1;
    this.record = { ...record, attempts, interruptions };
    if (interruptions >= MAX_INTERRUPTIONS) {
      throw failure('interrupted', `interrupted repeatedly: the page closed or crashed during ${interruptions} attempts in a row`, false);
    }
    return this.record;
  }

  /** `sleep`: a wait step's own time; `retry`: the backoff before the next attempt. */
  async sleepUntil(at: number, kind: 'sleep' | 'retry' = 'sleep'): Promise<void> {
    await this.driver.waiting(() => this.driver.deps.clock.sleepUntil(at, this.signal), { kind, stepKey: this.key, wakeAt: at });
  }

  /** Waits durably for the oldest unconsumed event of this name, or until `deadline`. */
  async waitForEvent(name: string, deadline: number | undefined, reason: WaitReason): Promise<EventRecord | 'timeout'> {
    let record = this.begin({ status: 'waiting', ...(deadline !== undefined ? { wakeAt: deadline } : {}) });
    if (record.status !== 'waiting') {
      // A step that began as work (an http request asking for its host) now waits.
      record = { ...record, status: 'waiting', ...(deadline !== undefined && record.wakeAt === undefined ? { wakeAt: deadline } : {}) };
      this.record = record;
      this.driver.journal.putStepLazily(record);
      this.driver.changed();
    }
    await this.driver.durably(this.driver.journal.sync());
    const wakeAt = record.wakeAt;
    const found = await this.driver.waiting(() => this.driver.nextEvent(name, wakeAt, this.signal), reason);
    if (found === 'timeout') return found;
    this.consumed = { ...found, consumedBy: this.key };
    this.driver.claimEvent(this.consumed);
    return found;
  }

  /** Completes the step together with a table write, in one transaction; returns the write's result. */
  async completeWithTableUpdate(update: Omit<TableUpdate, 'outputOf'>): Promise<unknown> {
    const record = this.completedRecord({ status: 'ok', output: undefined });
    this.finished = true;
    this.record = record;
    await this.driver.durably(this.driver.journal.putStepWithTableUpdate(record, { ...update, outputOf: this.key }));
    this.driver.changed();
    return this.driver.journal.records.get(this.key)?.output;
  }

  private completedRecord(outcome: StepOutcome): StepRecord {
    // Side-effect-free steps take logical time, so a recomputation after a crash is identical.
    const now = this.record ? this.driver.deps.clock.now() : this.logicalNow;
    const base = this.record ?? this.newRecord(now);
    const record: StepRecord = { ...base, endedAt: now, wakeAt: undefined };
    if (Object.keys(this.meta).length > 0) record.meta = { ...base.meta, ...this.meta };
    if (outcome.status === 'ok') {
      record.status = 'completed';
      record.output = outcome.output;
      if (outcome.branch !== undefined) record.branch = outcome.branch;
    } else {
      record.status = 'failed';
      record.error = outcome.error;
      record.branch = outcome.status === 'timeout' ? 'timeout' : 'failure';
    }
    return record;
  }

  /** A step abandoned because its parallel branch lost: shown as cancelled, re-run if ever replayed. */
  markCancelled(): void {
    if (!this.record || this.finished) return;
    this.finished = true;
    const attempts = this.record.attempts.map((a) => (a.outcome === 'running' ? { ...a, outcome: 'cancelled' as const, endedAt: this.driver.deps.clock.now() } : a));
    this.record = { ...this.record, status: 'cancelled', attempts, endedAt: this.driver.deps.clock.now() };
    this.driver.journal.putStepLazily(this.record);
    this.driver.changed();
  }

  /**
   * Completion is queued, not awaited: it commits with the next step's start (one transaction per
   * step), and nothing later can commit before it. A consumed event commits in the same batch.
   */
  finish(outcome: StepOutcome): void {
    if (this.finished) return;
    this.finished = true;
    const pure = this.record === undefined;
    const record = this.completedRecord(outcome);
    if (pure) record.pure = true;
    this.record = record;
    if (this.consumed) void this.driver.journal.putEvent(this.consumed).catch(() => undefined);
    this.driver.journal.putStepLazily(record);
    this.driver.changed();
  }
}
