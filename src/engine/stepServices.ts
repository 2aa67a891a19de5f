import type { Step } from '../schema/steps';
import { budgetRaised } from './budget';
import type { CompiledScope, CompiledWorkflow } from './compile';
import type { Frame, ScopeOutcome } from './frame';
import { runScope, type ScopeHost } from './interpreter';
import type { Journal } from './journal';
import type { ChatMessage, ModelReply, ModelRound, Usage } from './llmTypes';
import { loadHistory } from './history';
import { stepKey, type EventRecord, type RunRecord, type ThreadMessageRecord, type WaitReason } from './records';
import { failure } from './retry';
import type { EffectCall, EngineDeps, HttpRequest, HttpResponse, RunStopped } from './runtime';
import type { EventWait, StepApi } from './stepApi';
import type { TableRow } from './store';
import type { ScopeSource } from './templateScope';
import type { Threads } from './threads';

/** What a run needs from the engine that hosts it: child runs. */
export interface RunHost {
  ensureChildRun(args: {
    id: string;
    workflowName: string;
    input: unknown;
    parent: RunRecord;
    parentStepKey: string;
  }): Promise<void>;
  /** Resolves with the run once it has finished (completed, failed or cancelled). */
  awaitRun(runId: string, signal: AbortSignal): Promise<RunRecord>;
}

/** What a step context needs from the run that drives it (the driver implements it). */
export interface StepHost extends ScopeHost, ScopeSource {
  readonly deps: EngineDeps;
  readonly compiled: CompiledWorkflow;
  readonly journal: Journal;
  readonly run: RunRecord;
  readonly children: RunHost;
  readonly threads: Threads;
  /** Where a resume's walk started (`frontier.ts`); undefined: the whole journal was read. */
  readonly resumeAt: Step | undefined;
  readonly spent: { tokens: number; costUsd: number };
  spend(reply: { usage?: Usage; costUsd?: number } | undefined): void;
  /** Awaits a journal write; a failed write stops the run and throws its stop error. */
  durably(write: Promise<void>): Promise<void>;
  changed(): void;
  withSlot<T>(signal: AbortSignal, fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
  waiting<T>(fn: () => Promise<T>, reason: WaitReason): Promise<T>;
  isOnline(): boolean;
  untilOnline(signal: AbortSignal, stepKey: string): Promise<void>;
  nextEvent(name: string, deadline: number | undefined, signal: AbortSignal): Promise<EventWait>;
  claimEvent(event: EventRecord): void;
  isStopping(): boolean;
  /** The error that stops the run's interpreter (`cause` itself when it is one). */
  stopError(cause: unknown): RunStopped;
}

/**
 * The part of a StepApi that passes through to the run and its runners without touching the
 * step's own record: tables, bodies, child runs, secrets, HTTP, the model and its threads.
 */
export abstract class StepServices {
  constructor(
    protected readonly host: StepHost,
    readonly step: Step,
    readonly frame: Frame,
    readonly key: string,
    /** Deterministic time for side-effect-free work: the end time of the previous step. */
    readonly logicalNow: number,
  ) {}

  get signal(): AbortSignal {
    return this.frame.signal;
  }

  get run(): Readonly<RunRecord> {
    return this.host.run;
  }

  get workflow(): StepApi['workflow'] {
    return this.host.compiled.definition.workflowConfig;
  }

  now(): number {
    return this.host.deps.clock.now();
  }

  queryTable(table: string, where: Record<string, unknown>, limit: number): Promise<TableRow[]> {
    return this.host.deps.store.queryTable(table, where, limit);
  }

  bodies(): ReadonlyMap<string, CompiledScope> {
    return this.host.compiled.bodies.get(this.step.stepSlug) ?? new Map();
  }

  abstract sync(): Promise<void>;

  runBody(body: CompiledScope, frame: Frame): Promise<ScopeOutcome> {
    const run = () => runScope(this.host, body, frame, this.logicalNow);
    const branches = this.host.deps.branches;
    // One step is one operation, issued in order; several run apart, everything recorded before and after them.
    if (!branches || (body.steps.size < 2 && !branches.everyBody)) return run();
    const runId = this.host.run.id;
    const work = () => run().then(async (outcome) => (await this.sync(), outcome));
    return this.sync().then(() => branches.runBranch(runId, frame.path, [...body.steps.keys()], work, frame.signal));
  }

  outputAt(slug: string, path: string): { found: true; value: unknown } | { found: false } {
    return this.host.outputAt(slug, path);
  }

  hasRecordAt(slug: string, path: string): boolean {
    return this.host.record(stepKey(this.host.runId, slug, path)) !== undefined;
  }

  loadHistory(): Promise<void> {
    return loadHistory(this.host.deps.store, this.host.journal, this.host.resumeAt === undefined);
  }

  async runChild(childId: string, workflowName: string, input: unknown): Promise<RunRecord> {
    const { children } = this.host;
    const { branches } = this.host.deps;
    const child = { id: childId, workflowName, input, parent: this.host.run, parentStepKey: this.key };
    // A host that runs child runs apart (DBOS child workflows) creates and drives the child itself.
    const apart = branches?.runChild && (() => branches.runChild!(child, this.signal));
    if (!apart) await children.ensureChildRun(child);
    const run = apart || (() => children.awaitRun(childId, this.signal));
    return this.host.waiting(run, {
      kind: 'child-run',
      stepKey: this.key,
      runId: childId,
      workflow: workflowName,
    });
  }

  async secret(name: string): Promise<string | undefined> {
    return this.host.deps.secret?.(name);
  }

  async isHostApproved(host: string): Promise<boolean> {
    const check = this.host.deps.isHostApproved;
    return !check || check(this.run.workflowHash, host, this.run.id);
  }

  http(request: HttpRequest, call: EffectCall): Promise<HttpResponse> {
    const http = this.host.deps.runners.http;
    if (!http) throw failure('internal', 'HTTP requests are not available here', false);
    return http(request, call);
  }

  async recordedOutput(input: unknown): Promise<{ output: unknown } | undefined> {
    return this.host.deps.recordedOutput?.(this.key, input);
  }

  async untilModelReady(provider: string | undefined, model: string, stepKey: string): Promise<void> {
    const { network, keys } = this.host.deps;
    if (!network?.neededFor || (await network.neededFor(provider, model, stepKey)))
      await this.host.untilOnline(this.signal, stepKey);
    if (keys && (await keys.blocks(provider, stepKey))) {
      await this.host.waiting(() => keys.untilUnlocked(this.signal), { kind: 'keys-locked', stepKey, provider });
    }
  }

  model(round: ModelRound, call: EffectCall & { onTextDelta(delta: string): void }): Promise<ModelReply> {
    const model = this.host.deps.runners.model;
    if (!model) throw failure('internal', 'no model runner is available here', false);
    return model(round, call);
  }

  threadMessages(threadId: string): Promise<ChatMessage[]> {
    return this.host.threads.messages(threadId);
  }

  keepMessage(
    threadId: string,
    id: string,
    message: ChatMessage,
    author?: ThreadMessageRecord['author'],
  ): Promise<void> {
    return this.host.threads.ensure(threadId, id, message, author);
  }

  spent(): { tokens: number; costUsd: number } {
    return { ...this.host.spent };
  }

  spend(reply: { usage?: Usage; costUsd?: number }): void {
    this.host.spend(reply);
  }

  budgetRaised(): { tokens: number; costUsd: number } {
    return budgetRaised(this.host.run, this.host.journal.records.values());
  }
}
