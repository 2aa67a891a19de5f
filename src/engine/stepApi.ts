import type { ResolveOptions } from '../schema/template';
import type { Step, StepOf, StepType } from '../schema/steps';
import type { ParsedWorkflow } from '../schema/workflow';
import type { CompiledScope } from './compile';
import type { EventAddress } from './events';
import type { Frame, ScopeOutcome, StepOutcome } from './frame';
import type { ChatMessage, ModelReply, ModelRound, Usage } from './llmTypes';
import type { EventRecord, RunRecord, StepMeta, StepRecord, ThreadMessageRecord, WaitReason } from './records';
import type { EffectCall, HttpRequest, HttpResponse } from './runtime';
import type { TableRow, TableUpdate } from './store';

/** The record type of one model round inside an LLM step, and of one tool call of a round. */
export const LLM_ROUND = 'llm-round';
export const TOOL_CALL = 'tool';
export type EffectKind = typeof LLM_ROUND | typeof TOOL_CALL;

/**
 * An effect's time limit for steps that set no `timeoutMs` (`EFFECT_TIMEOUT_MS`), and what to call it in the message.
 */
export interface DefaultTimeout {
  defaultMs: number;
  what: string;
}

/** How a wait for an event ended. */
export type EventWait = { kind: 'event'; event: EventRecord } | { kind: 'timeout' };

/** Fields a step may record when it starts. */
/** A step begins started, or already waiting (a wait or event step records its wake time at once). */
export type BeginFields = Partial<Pick<StepRecord, 'input' | 'wakeAt' | 'childRunId' | 'meta'>> & {
  status?: 'started' | 'waiting';
};

/**
 * Everything a step handler may do: the sealed port between handlers and the engine. Handlers never
 * see the driver, the journal or the store; each effect, wait and write goes through here and is
 * journaled under the step's key (or an effect's sub-key).
 */
export interface StepApi {
  readonly step: Step;
  /** `runId:slug@path`, the idempotency key of the step's effects. */
  readonly key: string;
  readonly frame: Frame;
  readonly signal: AbortSignal;
  /** Deterministic time for side-effect-free work: the end time of the previous step. */
  readonly logicalNow: number;
  readonly run: Readonly<RunRecord>;
  readonly workflow: ParsedWorkflow['workflowConfig'];
  now(): number;

  resolve(value: unknown, options?: ResolveOptions): unknown;
  evaluate(source: string): Promise<unknown>;
  condition(source: string, loopOverride?: unknown): Promise<boolean>;
  setMeta(meta: StepMeta): void;

  /** Records the step as started (it commits with the next durable write). Idempotent on resume. */
  begin(fields?: BeginFields): StepRecord;
  /** Resolves once everything recorded so far is durable. */
  sync(): Promise<void>;
  /** Runs a side effect under the step's key with the retry policy, each attempt recorded first. */
  attempt<T>(effect: (call: EffectCall) => Promise<T>, timeout?: DefaultTimeout): Promise<T>;
  /**
   * The replay primitive for effects inside a step: the effect recorded finished under
   * `effectKey(key, name)` returns its recorded output (or throws its recorded failure) without running.
   */
  effect<T>(name: string, kind: EffectKind, work: (effect: StepApi) => Promise<T>): Promise<T>;
  /** Streamed text so far: shown live, and kept on the running attempt now and then. */
  streamed(text: string, checkpoint: boolean): void;

  sleepUntil(at: number): Promise<void>;
  /** Waits durably for the oldest unconsumed event for `address`, or until `deadline`. */
  waitForEvent(address: EventAddress, deadline: number | undefined, reason: WaitReason): Promise<EventWait>;

  queryTable(table: string, where: Record<string, unknown>, limit: number): Promise<TableRow[]>;
  /** Completes the step together with a table write, in one transaction; returns the write's result. */
  completeWithTableUpdate(update: Omit<TableUpdate, 'outputOf'>): Promise<unknown>;

  /** The container's bodies by name ("body" for a loop, branch names for parallel). */
  bodies(): ReadonlyMap<string, CompiledScope>;
  runBody(body: CompiledScope, frame: Frame): Promise<ScopeOutcome>;
  /** The completed output of `slug` at exactly `path`. */
  outputAt(slug: string, path: string): { found: true; value: unknown } | { found: false };
  /** Whether `slug` at `path` has a record in memory, finished or not (a loop's resumed iteration). */
  hasRecordAt(slug: string, path: string): boolean;
  /** Rewrites the step's record now with `meta` (a loop's progress); it commits with this tick's writes. */
  checkpoint(meta: StepMeta): void;
  /** Reads the records a resume left in storage into memory (`history.ts`); at once when it read them all. */
  loadHistory(): Promise<void>;
  /** Starts (or finds) the child run `childId` and waits until it has finished. */
  runChild(childId: string, workflowName: string, input: unknown): Promise<RunRecord>;

  secret(name: string): Promise<string | undefined>;
  /** Whether the user allowed this workflow to contact `host` (no consent check here: yes). */
  isHostApproved(host: string): Promise<boolean>;
  http(request: HttpRequest, call: EffectCall): Promise<HttpResponse>;
  /** The output a replayed recording holds for this step (or effect) begun with `input`: do not perform it again. */
  recordedOutput(input: unknown): Promise<{ output: unknown } | undefined>;

  /** Waits until a model call for this provider can go: the network (when it needs it) and unlocked keys. */
  untilModelReady(provider: string | undefined, model: string, effectKey: string): Promise<void>;
  model(round: ModelRound, call: EffectCall & { onTextDelta(delta: string): void }): Promise<ModelReply>;
  threadMessages(threadId: string): Promise<ChatMessage[]>;
  /** Appends the message to the thread unless it holds one with this id already. */
  keepMessage(
    threadId: string,
    id: string,
    message: ChatMessage,
    author?: ThreadMessageRecord['author'],
  ): Promise<void>;
  /** Tokens and estimated cost this run has spent so far. */
  spent(): { tokens: number; costUsd: number };
  spend(reply: { usage?: Usage; costUsd?: number }): void;
  /** What the budget's Continues have added to the run's caps so far (`budget.ts`). */
  budgetRaised(): { tokens: number; costUsd: number };
}

/** One handler per step type: the compiler finds every handler to update when a type is added. */
export type StepHandler<T extends StepType> = (step: StepOf<T>, api: StepApi) => Promise<StepOutcome>;
export type HandlerTable = { [T in StepType]: StepHandler<T> };
