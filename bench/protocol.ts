import type { PeerFigure } from './peers/figures';
import type { ResumeKind } from './resumeWorkflows';

/** What the bench page offers Playwright (`window.bench`), and what the bench worker answers. */

/** The worker that continues a cut-off run is told apart by its name (it starts resuming at once). */
export const RESUME_WORKER_NAME = 'bench-resume';

export interface RunFigure {
  steps: number;
  ms: number;
  stepsPerSecond: number;
  /** IndexedDB readwrite transactions the engine committed during the run. */
  commits: number;
  /** Wall time spent inside store commits (the engine waits on IndexedDB for this long). */
  commitMs: number;
  status: string;
}

export interface TxFigure {
  transactions: number;
  ms: number;
  perSecond: number;
  /** `IDBTransaction.durability` as the browser reports it for a transaction opened without options. */
  durability: string;
}

/** Transactions per second of each kind, taking turns in short rounds (medians). */
export interface CommitAnatomy {
  /** One small put in a store without indexes (as `rawIdb`). */
  rawPut: number;
  /** One completed step record, unfenced. */
  oneStepRecord: number;
  /** A completed step record and the next step's started one, unfenced. */
  twoStepRecords: number;
  /** The same two with the writer's lease put beside them (the fence), on the native connection. */
  twoStepRecordsLeased: number;
  /** The same two through `DexieEngineStore.commit`, fenced by the writer's lease: what the engine commits per step. */
  engineCommit: number;
  /** Other layouts of a fenced step commit, in the same rounds (`commitLayouts.ts`). */
  layouts: CommitLayoutRates;
}

/** Transactions per second of each layout of one step's commit (`commitLayouts.ts` says what each writes). */
export interface CommitLayoutRates {
  twoStepsLeaseStore: number;
  oneStepLeaseCarriesStart: number;
  twoStepsLeaseInSteps: number;
  oneStepLeaseInStepsCarriesStart: number;
  twoStepsUnindexedLease: number;
  twoStepsNoStepIndex: number;
  leaseAlone: number;
  frontierCarriesBoth: number;
  journalChunkAsLease: number;
  journalChunk4AsLease: number;
  oneStepLeaseCarriesAttempt: number;
}

/** Milliseconds since the resuming worker was created (its `performance.timeOrigin`). */
export interface ResumeFigure {
  moduleEvaluatedMs: number;
  /** Journal records read at resume (its end and the records read by key, or the whole journal). */
  stepsLoaded: number;
  /** The store calls made before the next step started, in order of their end. */
  storeCalls: Array<{ name: string; start: number; end: number }>;
  /** The interrupted step's runner was called again: the run continues. */
  nextStepStartedMs: number;
  status: string;
}

/** An experiment's batch run to its end (`batchMeasures.ts`). */
export interface BatchFigure {
  rows: number;
  steps: number;
  ms: number;
  stepsPerSecond: number;
  completed: number;
  status: string;
  concurrency: number;
}

/** The start command of a batch: from the call to its return (rows checked, everything stored). */
export interface BatchStartFigure {
  rows: number;
  cells: number;
  ms: number;
}

export interface BenchApi {
  rawIdb(durationMs: number): Promise<TxFigure>;
  dexieTx(durationMs: number): Promise<TxFigure>;
  storeCommit(durationMs: number): Promise<TxFigure>;
  /** What one effect-chain step's commit costs without the engine, built up from raw IndexedDB (`commitAnatomy.ts`). */
  commitAnatomy(roundMs: number, rounds: number): Promise<CommitAnatomy>;
  effects(count: number, mode: 'durable' | 'direct'): Promise<RunFigure>;
  transforms(count: number): Promise<RunFigure>;
  fanOut(branches: number): Promise<RunFigure>;
  /** Runs `count` effects and a last one that never answers; resolves once that one has started. */
  prepareResume(count: number, kind?: ResumeKind): Promise<RunFigure>;
  /** The browser peers (`peers/`): `count` no-op effects, each followed by the peer's durable write. */
  xstate(count: number): Promise<PeerFigure>;
  langgraph(count: number): Promise<PeerFigure>;
  /** An experiment of `rows` rows over a 3-step workflow without LLM steps, run to its end. */
  batch(rows: number, concurrency?: number): Promise<BatchFigure>;
  /** Only the start command of an experiment of `rows` rows. */
  batchStart(rows: number): Promise<BatchStartFigure>;
}

export interface BenchPage {
  worker: BenchApi;
  /** Ends the worker (as a reload would) and starts a new one, which resumes the cut-off run. */
  resume(): Promise<ResumeFigure & { workerClockSkewMs: number }>;
}

declare global {
  interface Window {
    bench: BenchPage;
  }
}
