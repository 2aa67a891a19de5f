import type { StorageFullRun } from '../engine/storageFull';
import type { StorageCommands } from './storageCommands';
import type { BundleCommands } from './bundleCommands';
import type { EditorStart } from '../store/pins';
import type { ExperimentCommands } from './batch/experimentApi';

export type { StorageFullRun };
export type { ExperimentCommands, ExperimentSpecInput, ExperimentStartOptions } from './batch/experimentApi';

/** The executor's command API, called from the UI over Comlink. Every method runs in the executing tab. */
export interface ExecutorApi extends StorageCommands, BundleCommands, ExperimentCommands {
  /** Starts a run of a saved workflow; rejects with a readable message when the workflow or input is invalid. */
  start(options: {
    workflowId: string;
    input: unknown;
    mode?: 'durable' | 'direct';
    /** This run's caps (the run form), overriding the workflow's `config.limits`. */
    budget?: { maxTokens?: number; maxCostUsd?: number };
    /** Started from the editor: with the workflow's pins, as "run this step" or "run to here" (`src/store/pins.ts`). */
    editor?: EditorStart;
  }): Promise<string>;
  cancel(runId: string): Promise<void>;
  pause(runId: string): Promise<void>;
  /**
   * Resumes a paused run, or one stopped by a full disk; rejects with "browser storage is full…" while it still is.
   */
  resume(runId: string): Promise<void>;
  /**
   * Runs stopped because browser storage is full, as the executing engine knows them (not from storage: the pause may
   * not have fit).
   */
  storageFull(): Promise<StorageFullRun[]>;
  /** `note`: the reason the user gave, recorded on the event. */
  sendEvent(runId: string, name: string, payload: unknown, note?: string): Promise<void>;
  approve(runId: string, stepKey: string, approved: boolean, note?: string): Promise<void>;
  /** Allows (or refuses) a workflow's requests to `host`, remembered for that workflow. */
  confirmHost(runId: string, host: string, approved: boolean, note?: string): Promise<void>;
  /** Answers a run waiting on its budget at the model round `stepKey`: continue (cap raised) or stop (cancelled). */
  answerBudget(runId: string, stepKey: string, decision: 'continue' | 'stop', note?: string): Promise<void>;
  restartFrom(runId: string, stepKey: string): Promise<void>;
  fork(runId: string, stepKey: string, output: unknown): Promise<string>;
  /** Stores an API key (`provider:<id>`) or workflow secret (`secret:<NAME>`); an empty value deletes it. */
  saveSecret(name: string, value: string): Promise<void>;
  keysState(): Promise<{ passphrase: boolean; unlocked: boolean; names: string[] }>;
  setPassphrase(passphrase: string): Promise<void>;
  unlockKeys(passphrase: string): Promise<void>;
  removePassphrase(): Promise<void>;
  forgetAllKeys(): Promise<void>;
  /** Checks an entry: lists its models with its key; the answer names the exact problem. */
  testProvider(providerId: string): Promise<{ ok: boolean; message: string }>;
  /** Re-reads execution settings (steps in flight) in the executing tab. */
  applySettings(): Promise<void>;
  /** Whether this tab's worker is the one executing runs. */
  role(): Promise<'executor' | 'follower'>;
  /**
   * Before this tab reloads into a new version: resolves once none of this tab's step commits is in flight, and
   * holds new ones back (`WriteHold`), so the reload never cuts one off. Answered by this tab's worker.
   */
  holdWritesForReload(): Promise<void>;
}

/** Questions each tab's worker answers about itself; never relayed to the executing tab. */
export type LocalQuery = 'role' | 'holdWritesForReload';
export type CommandName = Exclude<keyof ExecutorApi, LocalQuery>;
export const EXECUTOR_LOCK = 'tabflow-executor';
export const COMMAND_CHANNEL = 'tabflow-commands';
/** Announced by a worker that has just become the executor, so every tab can show where runs execute. */
export const EXECUTOR_CHANGED_CHANNEL = 'tabflow-executor-changed';
/** Streamed LLM text, batched by the executor: `{ [stepKey]: textSoFar }` a few times a second. */
export const STREAM_CHANNEL = 'tabflow-stream';
export const STREAM_BATCH_MS = 100;
/** The executor's `StorageFullRun[]`, posted each time it changes. */
export const STORAGE_FULL_CHANNEL = 'tabflow-storage-full';
/** Posted by the executor once every table was emptied ("Clear all data"): every tab goes back to a first visit. */
export const DATA_CLEARED_CHANNEL = 'tabflow-data-cleared';
