/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import type { StepRecord } from '../src/engine/records';
import type { Runners } from '../src/engine/runtime';
import { TabflowDb } from '../src/store/db';
import {
  createBenchEngine,
  CountingStore,
  type BenchEngine,
  dexieTx,
  figure,
  freshDb,
  OK,
  rawIdb,
  settle,
  storeCommit,
  timedRun,
  BENCH_DB,
} from './measures';
import { RESUME_WORKER_NAME, type BenchApi, type ResumeFigure } from './protocol';
import { effectChain, fanOut, HOLD_SLUG, pureChain } from './workflows';
import { batchRun, batchStart } from './batchMeasures';
import { noOpModel, resumeWorkflow } from './resumeWorkflows';
import { commitAnatomy } from './commitAnatomy';

/** Milliseconds after this worker was created at which its module began to run (script loaded and parsed). */
const MODULE_EVALUATED_MS = performance.now();

/** A side-effecting step that does no work: the engine records it like any HTTP call. */
const answerAtOnce: NonNullable<Runners['http']> = async () => OK;

/** The engine of the last run stays referenced, as the product's does, so the heap figure sees what it keeps. */
const lastRun: BenchEngine[] = [];

const api: BenchApi = {
  rawIdb,
  dexieTx,
  storeCommit,
  commitAnatomy,
  async effects(count, mode) {
    lastRun.length = 0;
    const bench = createBenchEngine(await freshDb(), answerAtOnce);
    lastRun.push(bench);
    const result = await timedRun(bench, effectChain(count), count, mode);
    await settle(bench.db); // direct mode mirrors its writes in the background: let them land first
    return result;
  },
  async transforms(count) {
    return timedRun(createBenchEngine(await freshDb(), answerAtOnce), pureChain(count), count, 'durable', { n: 1 });
  },
  async fanOut(branches) {
    return timedRun(createBenchEngine(await freshDb(), answerAtOnce), fanOut(branches), branches);
  },
  // Loaded on first use: the resuming worker and the heap figures never carry the peers' libraries.
  xstate: async (count) => (await import('./peers/xstatePeer')).xstateSteps(count, async () => OK),
  langgraph: async (count) => (await import('./peers/langgraphPeer')).langgraphSteps(count, async () => OK),
  batch: (rows, concurrency) => batchRun(rows, answerAtOnce, concurrency),
  batchStart: (rows) => batchStart(rows, answerAtOnce),
  async prepareResume(count, kind = 'chain') {
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    const http: NonNullable<Runners['http']> = (request, call) => {
      if (!request.url.endsWith(`/${HOLD_SLUG}`)) return Promise.resolve(OK);
      held();
      // Never answers: the page ends this worker here, as a reload would.
      return new Promise((_, reject) =>
        call.signal.addEventListener('abort', () => reject(call.signal.reason), { once: true }),
      );
    };
    const bench = createBenchEngine(await freshDb(), http, undefined, kind === 'model' ? noOpModel : undefined);
    const started = performance.now();
    const runId = await bench.engine.start({ workflow: resumeWorkflow(kind, count), input: {} });
    await holding;
    const ms = performance.now() - started;
    const run = (await bench.store.loadRun(runId))!;
    return figure(count, ms, bench.store.commits, bench.store.commitMs, run);
  },
};

/** The store of the resuming worker: when each of its reads and writes started and ended. */
class TimedStore extends CountingStore {
  readonly calls: ResumeFigure['storeCalls'] = [];
  stepsLoaded = 0;

  private async timed<T>(name: string, work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    const result = await work();
    this.calls.push({ name, start, end: performance.now() });
    return result;
  }

  override listUnfinishedRuns() {
    return this.timed('listUnfinishedRuns', () => super.listUnfinishedRuns());
  }

  override loadRun(runId: string) {
    return this.timed('loadRun', () => super.loadRun(runId));
  }

  override loadDefinition(hash: string) {
    return this.timed('loadDefinition', () => super.loadDefinition(hash));
  }

  override loadEvents(runId: string) {
    return this.timed('loadEvents', () => super.loadEvents(runId));
  }

  override async loadSteps(runId: string) {
    return this.counted(await this.timed('loadSteps', () => super.loadSteps(runId)));
  }

  override async loadJournalTail(runId: string, isAnchor: (record: StepRecord) => boolean) {
    return this.counted(await this.timed('loadJournalTail', () => super.loadJournalTail(runId, isAnchor)));
  }

  override async loadStepsByKey(keys: readonly string[]) {
    return this.counted(await this.timed('loadStepsByKey', () => super.loadStepsByKey(keys)));
  }

  private counted(steps: StepRecord[]): StepRecord[] {
    this.stepsLoaded += steps.length;
    return steps;
  }

  override commit(batch: Parameters<CountingStore['commit']>[0]) {
    return this.timed('commit', () => super.commit(batch));
  }
}

/** Worker start → the cut-off step starting again, as the product does at boot (`resumeAll`). */
function resumeAtBoot(): Promise<ResumeFigure> {
  let nextStepStartedMs = 0;
  let stepsLoaded = 0;
  const db = new TabflowDb(BENCH_DB);
  const store = new TimedStore(db);
  const http: NonNullable<Runners['http']> = async () => {
    // What the resume read: a loop that ends reads its earlier iterations later, for its output.
    if (!nextStepStartedMs) stepsLoaded = store.stepsLoaded;
    nextStepStartedMs ||= performance.now();
    return OK;
  };
  const { engine } = createBenchEngine(db, http, store);
  return engine.resumeAll().then(async () => {
    await engine.idle();
    const [run] = await db.runs.toArray();
    const calls = store.calls.filter((c) => c.start <= nextStepStartedMs);
    return {
      moduleEvaluatedMs: MODULE_EVALUATED_MS,
      stepsLoaded,
      storeCalls: calls,
      nextStepStartedMs,
      status: run?.status ?? 'missing',
    };
  });
}

if (self.name === RESUME_WORKER_NAME) {
  const resumed = resumeAtBoot();
  Comlink.expose({ resumed: () => resumed, timeOrigin: () => performance.timeOrigin });
} else {
  Comlink.expose(api);
}
