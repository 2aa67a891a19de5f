import { FakeClock } from '../../src/engine/clock';
import { Engine } from '../../src/engine/engine';
import { MemoryData, MemoryStore, type OperationHook } from '../../src/engine/memoryStore';
import { FINISHED_RUN_STATUSES, type RunRecord } from '../../src/engine/records';
import type { EngineDeps, Runners } from '../../src/engine/runtime';
import { fakeModel, type FakeLlm } from './model';
import type { WorkflowFile } from '../../src/schema/workflow';

export interface TestEngineOptions {
  data?: MemoryData;
  clock?: FakeClock;
  /** `llm` is a shorthand: a fake model answering from the prompt. */
  runners?: Runners & { llm?: FakeLlm };
  hook?: OperationHook;
  maxParallelism?: number;
  workflows?: Record<string, WorkflowFile>;
  secrets?: Record<string, string>;
  deps?: Partial<EngineDeps>;
}

/** An engine on an in-memory store with a fake clock, plus the fakes and a way to run to the end. */
export function createTestEngine(options: TestEngineOptions = {}) {
  const data = options.data ?? new MemoryData();
  const clock = options.clock ?? new FakeClock();
  const store = new MemoryStore(data, options.hook);
  const inFlight = new InFlight();
  const engine = new Engine({
    store,
    clock,
    runners: inFlight.track(toRunners(options.runners)),
    maxParallelism: options.maxParallelism ?? 4,
    newId: () => nextId(data),
    findWorkflow: async (name) => options.workflows?.[name],
    secret: async (name) => options.secrets?.[name],
    ...options.deps,
  });
  return {
    engine,
    store,
    data,
    clock,
    quiesce: () => quiesce(data),
    quiesceUntil: (ready: () => boolean, what: string) => quiesceUntil(data, ready, what),
    runToEnd: (runId: string) => runToEnd(data, clock, runId, inFlight),
  };
}

/** Runner calls under way: real I/O (a local server) makes no store writes while it waits. */
class InFlight {
  count = 0;
  /** Calls ended so far: a change means the real work moved on. */
  ended = 0;

  track(runners: Runners): Runners {
    const tracked: Runners = {};
    if (runners.http) tracked.http = this.wrap(runners.http);
    if (runners.model) tracked.model = this.wrap(runners.model);
    return tracked;
  }

  private wrap<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return async (...args) => {
      this.count++;
      try {
        return await fn(...args);
      } finally {
        this.count--;
        this.ended++;
      }
    };
  }
}

/** Ids counted per data set, so every engine over the same data (a reloaded tab) keeps them unique. */
function toRunners(runners: TestEngineOptions['runners'] = {}): Runners {
  const { llm, ...rest } = runners;
  return llm ? { model: fakeModel(llm), ...rest } : rest;
}

const idCounters = new WeakMap<MemoryData, number>();
function nextId(data: MemoryData): string {
  const n = (idCounters.get(data) ?? 0) + 1;
  idCounters.set(data, n);
  return `run${n}`;
}

const macrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Lets queued work run until the store stops changing: first over macrotasks, then across a short
 * timer (hashing with WebCrypto finishes on a thread pool, outside the macrotask queue).
 */
export async function quiesce(data: MemoryData): Promise<void> {
  for (let round = 0; round < 1000; round++) {
    let stable = 0;
    let last = -1;
    for (let i = 0; i < 10_000 && stable < 4; i++) {
      await macrotask();
      stable = data.commits === last ? stable + 1 : 0;
      last = data.commits;
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
    await macrotask();
    if (data.commits === last) return;
  }
}

/**
 * Quiesces until `ready()` holds: work off the macrotask queue (WebCrypto hashing on a loaded
 * machine) can outlast one quiet window. Fails after ~5 s of real time.
 */
export async function quiesceUntil(data: MemoryData, ready: () => boolean, what: string): Promise<void> {
  const giveUpAt = Date.now() + 5_000;
  for (;;) {
    await quiesce(data);
    if (ready()) return;
    if (Date.now() > giveUpAt) throw new Error(`still waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Runs a run to a finished status, moving the fake clock to each next wake time when nothing else can happen. */
export async function runToEnd(
  data: MemoryData,
  clock: FakeClock,
  runId: string,
  inFlight?: InFlight,
  maxSteps = 10_000,
): Promise<RunRecord> {
  let idle = 0;
  for (let i = 0; i < maxSteps; i++) {
    await quiesce(data);
    const run = data.runs.get(runId);
    if (run && FINISHED_RUN_STATUSES.has(run.status)) return structuredClone(run);
    const wake = clock.nextWake();
    // Real I/O (a local HTTP server) shows no store activity while it streams: give it real time
    // before jumping the clock, or the run's own timeout would be the next thing to wake.
    if (wake !== undefined && (await busyInRealTime(data, wake - clock.now() >= FAR_WAKE_MS ? inFlight : undefined)))
      continue;
    if (wake !== undefined) clock.set(wake);
    // Work off the macrotask queue (WebCrypto hashing) may still be under way: give it time before calling it stuck.
    else if (++idle > 50)
      throw new Error(
        `run ${runId} is stuck in status ${run?.status} ` +
          `(${run?.waits ? JSON.stringify(run.waits) : 'nothing to wait for'})`,
      );
    else await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`run ${runId} did not finish`);
}

/** Real time a runner call may take without any progress before the clock jumps (to its timeout, say). */
const REAL_IO_PATIENCE_MS = 2_000;
/**
 * Wakes this far ahead (attempt timeouts, long sleeps) wait for calls under way first; nearer ones
 * (a model's own pacing on the fake clock) are taken at once.
 */
const FAR_WAKE_MS = 1_000;

async function busyInRealTime(data: MemoryData, inFlight: InFlight | undefined): Promise<boolean> {
  const before = data.commits;
  await new Promise((resolve) => setTimeout(resolve, 25));
  await quiesce(data);
  if (data.commits !== before) return true;
  if (!inFlight || inFlight.count === 0) return false;
  // A call is under way (a stream makes no commits): wait for it on a loaded machine, but not for
  // ever, so a server that never answers still meets the attempt's timeout on the fake clock.
  const ended = inFlight.ended;
  const giveUpAt = Date.now() + REAL_IO_PATIENCE_MS;
  while (Date.now() < giveUpAt) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    if (inFlight.ended !== ended || data.commits !== before || inFlight.count === 0) return true;
  }
  return false;
}
