import { evaluateCondition, evaluateExpression } from '../schema/expression';
import type { Step } from '../schema/steps';
import { resolveTemplates, type ResolveOptions, type TemplateScope } from '../schema/template';
import { eventName, type EventAddress } from './events';
import { effectKey, type Frame, type StepOutcome } from './frame';
import type { OpenStep } from './interpreter';
import { recordKind, type EventRecord, type StepMeta, type StepRecord, type WaitReason } from './records';
import { replayOrRun } from './replay';
import { failure, resolveRetryPolicy, retryDelayMs, StepFailure, toStepError } from './retry';
import { RunStopped, untilAborted, type EffectCall } from './runtime';
import type { BeginFields, DefaultTimeout, EffectKind, EventWait, StepApi } from './stepApi';
import { StepServices, type StepHost } from './stepServices';
import type { TableUpdate } from './store';
import { expressionContext, templateScope } from './templateScope';

/**
 * Why an attempt's timeout timer is stopped: it ended. A reason given, so no DOMException is built
 * for every attempt (the timer's rejection is ignored).
 */
const ATTEMPT_SETTLED = Object.freeze({ attempt: 'settled' });

/** Attempts cut off by reloads in a row before the step fails instead of trying again. */
export const MAX_INTERRUPTIONS = 5;

/**
 * The StepApi of one step instance (or of one effect inside it). Handlers never touch storage: they
 * ask for effects, waits and events here, and the context journals them under its key.
 */
export class StepContext extends StepServices implements StepApi, OpenStep {
  private record: StepRecord | undefined;
  private consumed: EventRecord | undefined;
  private finished = false;
  private meta: StepMeta = {};
  private cachedScope: TemplateScope | undefined;
  /** The record was loaded at resume: a "running" attempt in it belongs to a page that died. */
  private fromStorage: boolean;

  constructor(
    host: StepHost,
    step: Step,
    frame: Frame,
    key: string,
    existing: StepRecord | undefined,
    logicalNow: number,
    /** Set for an effect inside a step (an LLM round, a tool call): its record names its step. */
    private readonly effectOf?: { parentKey: string; stepType: EffectKind },
  ) {
    super(host, step, frame, key, logicalNow);
    this.record = existing;
    this.fromStorage = existing !== undefined;
  }

  get api(): StepApi {
    return this;
  }

  /**
   * Built once per step: what a leaf step reads cannot change while it runs. A container's body
   * writes outputs its `while` may read, so containers build it afresh each time.
   */
  private scope(): TemplateScope {
    if (this.step.stepType === 'loop' || this.step.stepType === 'parallel')
      return templateScope(this.host, this.step, this.frame);
    this.cachedScope ??= templateScope(this.host, this.step, this.frame);
    return this.cachedScope;
  }

  resolve(value: unknown, options?: ResolveOptions): unknown {
    return resolveTemplates(value, this.scope(), options);
  }

  evaluate(source: string): Promise<unknown> {
    return evaluateExpression(source, expressionContext(this.scope()), { nowMs: this.logicalNow, seed: this.key });
  }

  condition(source: string, loopOverride?: unknown): Promise<boolean> {
    const context = expressionContext(this.scope());
    if (loopOverride !== undefined) context.loop = loopOverride;
    return evaluateCondition(source, context, { nowMs: this.logicalNow, seed: this.key });
  }

  setMeta(meta: StepMeta): void {
    Object.assign(this.meta, meta);
  }

  checkpoint(meta: StepMeta): void {
    if (!this.record || this.finished) return;
    this.record = { ...this.record, meta: { ...this.record.meta, ...meta } };
    this.host.journal.putStepLazily(this.record);
  }

  begin(fields: BeginFields = {}): StepRecord {
    if (this.record) return this.record;
    this.record = this.newRecord(this.now(), fields);
    this.host.journal.putStepLazily(this.record);
    this.host.changed();
    return this.record;
  }

  private newRecord(startedAt: number, fields: BeginFields = {}): StepRecord {
    return {
      key: this.key,
      runId: this.host.runId,
      slug: this.step.stepSlug,
      path: this.frame.path,
      ...recordKind(this.effectOf?.stepType ?? this.step.stepType, this.effectOf?.parentKey),
      seq: this.host.journal.nextSeq(),
      status: 'started',
      attempts: [],
      interruptions: 0,
      startedAt,
      ...fields,
    };
  }

  sync(): Promise<void> {
    return this.host.durably(this.host.journal.sync());
  }

  /** Writes the record and waits until it is durable. */
  private async persist(record: StepRecord): Promise<void> {
    this.record = record;
    this.host.changed();
    await this.host.durably(this.host.journal.putStep(record));
  }

  /**
   * Runs the side effect under the step's key with the retry policy: each attempt is durably recorded
   * before it starts; a retry's wake time is recorded, so a reload waits out the same backoff.
   */
  async attempt<T>(effect: (call: EffectCall) => Promise<T>, timeout?: DefaultTimeout): Promise<T> {
    let record = this.countInterruption(this.begin());
    const policy = resolveRetryPolicy(this.workflow.config?.retryPolicy, this.step.retryPolicy);
    for (;;) {
      if (record.wakeAt !== undefined) await this.sleepUntil(record.wakeAt, 'retry');
      const n = record.attempts.length + 1;
      record = {
        ...record,
        status: 'started',
        wakeAt: undefined,
        attempts: [...record.attempts, { n, startedAt: this.now(), outcome: 'running' }],
      };
      await this.persist(record);
      const result = await this.host.withSlot(this.signal, (signal) => this.runAttempt(effect, n, signal, timeout));
      record = this.record!;
      if (result.ok) return result.value;
      if (result.error.category === 'network' && !this.host.isOnline()) {
        // Failed because the browser went offline: not the step's fault, so it costs no retry.
        record = this.markLastAttempt('interrupted');
        await this.host.untilOnline(this.signal, this.key);
        continue;
      }
      const failures = record.attempts.filter((a) => a.outcome === 'error' || a.outcome === 'timeout').length;
      if (!result.error.retryable || failures > policy.maxRetries) throw new StepFailure(result.error);
      record = { ...record, wakeAt: this.now() + retryDelayMs(policy, failures, this.key, result.error.retryAfterMs) };
      await this.persist(record);
    }
  }

  private async runAttempt<T>(
    effect: (call: EffectCall) => Promise<T>,
    n: number,
    outer: AbortSignal,
    timeout: DefaultTimeout | undefined,
  ) {
    const controller = new AbortController();
    const abort = () => controller.abort(outer.reason);
    outer.addEventListener('abort', abort, { once: true });
    const timer = this.armTimeout(controller, timeout);
    try {
      const value = await untilAborted(
        effect({ idempotencyKey: this.key, attempt: n, signal: controller.signal }),
        controller.signal,
      );
      this.endAttempt('ok');
      return { ok: true as const, value };
    } catch (error) {
      if (outer.aborted && outer.reason instanceof RunStopped) throw outer.reason;
      if (outer.aborted || this.host.isStopping()) throw this.host.stopError(error);
      const stepError =
        controller.signal.reason instanceof StepFailure ? controller.signal.reason.stepError : toStepError(error);
      this.endAttempt(stepError.category === 'timeout' ? 'timeout' : 'error', stepError);
      return { ok: false as const, error: stepError };
    } finally {
      timer.abort(ATTEMPT_SETTLED);
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
    const message =
      this.step.timeoutMs !== undefined
        ? `step timed out after ${timeoutMs} ms`
        : `no complete answer within ${timeoutMs / 1000} s, the default for ${fallback!.what} ` +
          "(set the step's timeoutMs to change it)";
    this.host.deps.clock.sleepUntil(this.now() + timeoutMs, stop.signal).then(
      () => controller.abort(failure('timeout', message, true)),
      () => undefined,
    );
    return stop;
  }

  private markLastAttempt(outcome: 'interrupted'): StepRecord {
    const record = this.record!;
    const attempts = record.attempts.slice();
    attempts[attempts.length - 1] = { ...attempts[attempts.length - 1]!, outcome };
    this.record = { ...record, attempts };
    return this.record;
  }

  streamed(text: string, checkpoint: boolean): void {
    this.host.deps.onStream?.(this.host.runId, this.effectOf?.parentKey ?? this.key, text);
    if (checkpoint) this.checkpointPartial(text);
  }

  /** Streamed text so far, kept on the running attempt; never in the thread. */
  private checkpointPartial(text: string): void {
    const record = this.record;
    const last = record?.attempts[record.attempts.length - 1];
    if (!record || last?.outcome !== 'running') return;
    this.record = { ...record, attempts: [...record.attempts.slice(0, -1), { ...last, partialText: text }] };
    this.host.journal.putStepLazily(this.record);
    this.host.changed();
  }

  private endAttempt(outcome: 'ok' | 'error' | 'timeout', error?: StepRecord['error']): void {
    const record = this.record!;
    const attempts = record.attempts.slice();
    const last = attempts[attempts.length - 1]!;
    const ended = { ...last, outcome, endedAt: this.now(), ...(error ? { error } : {}) };
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
    const attempts = [
      ...record.attempts.slice(0, -1),
      { ...last, outcome: 'interrupted' as const, endedAt: this.now() },
    ];
    const interruptions = record.interruptions + 1;
    this.record = { ...record, attempts, interruptions };
    if (interruptions >= MAX_INTERRUPTIONS) {
      throw failure(
        'interrupted',
        `interrupted repeatedly: the page closed or crashed during ${interruptions} attempts in a row`,
        false,
      );
    }
    return this.record;
  }

  /**
   * The replay primitive for effects inside this step: a finished record under the effect's key
   * returns (or throws) its recorded outcome; else `work` runs and its outcome is recorded. A
   * failure that is not a StepFailure (the run stopping) records nothing.
   */
  async effect<T>(name: string, kind: EffectKind, work: (effect: StepApi) => Promise<T>): Promise<T> {
    const key = effectKey(this.key, name);
    const outcome = await replayOrRun(this.host.record(key), async (existing) => {
      const sub = new StepContext(this.host, this.step, this.frame, key, existing, this.logicalNow, {
        parentKey: this.key,
        stepType: kind,
      });
      let done: StepOutcome;
      try {
        done = { status: 'ok', output: await work(sub) };
      } catch (error) {
        if (!(error instanceof StepFailure)) throw error;
        done = { status: 'failed', error: error.stepError };
      }
      sub.finish(done);
      return done;
    });
    if (outcome.status !== 'ok') throw new StepFailure(outcome.error);
    return outcome.output as T;
  }

  /** `sleep`: a wait step's own time; `retry`: the backoff before the next attempt. */
  async sleepUntil(at: number, kind: 'sleep' | 'retry' = 'sleep'): Promise<void> {
    // A durable host keeps both deadlines (a retry's backoff too): a recovered run wakes at the one set first.
    const durable = this.host.deps.durable;
    const sleep = durable
      ? () => durable.sleepUntil(this.key, at, this.signal)
      : () => this.host.deps.clock.sleepUntil(at, this.signal);
    await this.host.waiting(sleep, {
      kind,
      stepKey: this.key,
      wakeAt: at,
    });
  }

  async waitForEvent(address: EventAddress, deadline: number | undefined, reason: WaitReason): Promise<EventWait> {
    let record = this.begin({ status: 'waiting', ...(deadline !== undefined ? { wakeAt: deadline } : {}) });
    if (record.status !== 'waiting') {
      // A step that began as work (an http request asking for its host) now waits.
      record = {
        ...record,
        status: 'waiting',
        ...(deadline !== undefined && record.wakeAt === undefined ? { wakeAt: deadline } : {}),
      };
      this.record = record;
      this.host.journal.putStepLazily(record);
      this.host.changed();
    }
    await this.sync();
    const wakeAt = record.wakeAt;
    const name = eventName(address);
    const durable = this.host.deps.durable;
    // A durable host delivers the event itself (DBOS recv); the store's events are the tab's.
    const next = durable
      ? () => durable.receive(this.key, name, wakeAt, this.signal)
      : () => this.host.nextEvent(name, wakeAt, this.signal);
    const found = await this.host.waiting(next, reason);
    if (found.kind === 'timeout') return found;
    this.consumed = { ...found.event, consumedBy: this.key };
    this.host.claimEvent(this.consumed);
    return found;
  }

  async completeWithTableUpdate(update: Omit<TableUpdate, 'outputOf'>): Promise<unknown> {
    const record = this.completedRecord({ status: 'ok', output: undefined });
    this.finished = true;
    this.record = record;
    await this.host.durably(this.host.journal.putStepWithTableUpdate(record, { ...update, outputOf: this.key }));
    this.host.changed();
    return this.host.record(this.key)?.output;
  }

  private completedRecord(outcome: StepOutcome): StepRecord {
    // Side-effect-free steps take logical time, so a recomputation after a crash is identical.
    const now = this.record ? this.now() : this.logicalNow;
    const base = this.record ?? this.newRecord(now);
    const ended = { ...base, endedAt: now, wakeAt: undefined };
    if (Object.keys(this.meta).length > 0) ended.meta = { ...base.meta, ...this.meta };
    if (outcome.status !== 'ok') {
      const branch = outcome.status === 'timeout' ? 'timeout' : 'failure';
      return { ...ended, status: 'failed', error: outcome.error, branch };
    }
    const completed: StepRecord = { ...ended, status: 'completed', output: outcome.output };
    if (outcome.branch !== undefined) completed.branch = outcome.branch;
    return completed;
  }

  markCancelled(): void {
    if (!this.record || this.finished) return;
    this.finished = true;
    const now = this.now();
    const attempts = this.record.attempts.map((a) =>
      a.outcome === 'running' ? { ...a, outcome: 'cancelled' as const, endedAt: now } : a,
    );
    this.record = { ...this.record, status: 'cancelled', attempts, endedAt: now };
    this.host.journal.putStepLazily(this.record);
    this.host.changed();
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
    if (this.consumed) void this.host.journal.putEvent(this.consumed).catch(() => undefined);
    this.host.journal.putStepLazily(record);
    this.host.changed();
  }
}
