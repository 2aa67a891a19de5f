import Dexie, { type EntityTable } from 'dexie';
import { systemClock } from '../src/engine/clock';
import { Engine } from '../src/engine/engine';
import type { RunRecord, StepRecord } from '../src/engine/records';
import type { ModelRunner } from '../src/engine/llmTypes';
import type { HttpResponse, Runners } from '../src/engine/runtime';
import type { CommitBatch, CommitResult } from '../src/engine/store';
import type { ParsedWorkflow, WorkflowFile } from '../src/schema/workflow';
import { TabflowDb } from '../src/store/db';
import { DexieEngineStore } from '../src/store/engineStore';
import type { RunFigure, TxFigure } from './protocol';

/** The bench's own database: same schema as the app's, never the app's data. */
export const BENCH_DB = 'tabflow-bench';
const RAW_DB = 'tabflow-bench-raw';
const DEXIE_DB = 'tabflow-bench-dexie';

export const OK: HttpResponse = { status: 200, statusText: 'OK', headers: {}, body: null };

/** The product's store, counting its readwrite transactions and the time the engine spends waiting on them. */
export class CountingStore extends DexieEngineStore {
  commits = 0;
  commitMs = 0;

  override async commit(batch: CommitBatch): Promise<CommitResult> {
    this.commits++;
    const started = performance.now();
    try {
      return await super.commit(batch);
    } finally {
      this.commitMs += performance.now() - started;
    }
  }

  override async saveDefinition(hash: string, definition: ParsedWorkflow): Promise<void> {
    this.commits++;
    return super.saveDefinition(hash, definition);
  }
}

export interface BenchEngine {
  db: TabflowDb;
  store: CountingStore;
  engine: Engine;
}

/** The real engine over the real store, as the product's worker builds it, with the bench's runners. */
export function createBenchEngine(
  db: TabflowDb,
  http: NonNullable<Runners['http']>,
  store = new CountingStore(db),
  model?: ModelRunner,
): BenchEngine {
  const runners = { http, ...(model ? { model } : {}) };
  const engine = new Engine({ store, clock: systemClock, runners, isHostApproved: async () => true });
  return { db, store, engine };
}

let open: TabflowDb | undefined;

/** Each figure starts from an empty database, so no figure pays for another's history. */
export async function freshDb(): Promise<TabflowDb> {
  open?.close();
  await Dexie.delete(BENCH_DB);
  open = new TabflowDb(BENCH_DB);
  await open.open();
  return open;
}

/** Start to finished: `start` validates, stores the definition and the run, then drives it to the end. */
export async function timedRun(
  bench: BenchEngine,
  workflow: WorkflowFile,
  steps: number,
  mode: 'durable' | 'direct' = 'durable',
  input: unknown = {},
): Promise<RunFigure> {
  const { store, engine } = bench;
  const commitsBefore = store.commits;
  const commitMsBefore = store.commitMs;
  const started = performance.now();
  const runId = await engine.start({ workflow, input, mode });
  await engine.idle();
  const ms = performance.now() - started;
  const run = await engine.awaitRun(runId);
  return figure(steps, ms, store.commits - commitsBefore, store.commitMs - commitMsBefore, run);
}

export function figure(steps: number, ms: number, commits: number, commitMs: number, run: RunRecord): RunFigure {
  return { steps, ms, stepsPerSecond: (steps / ms) * 1000, commits, commitMs, status: run.status };
}

/** Waits until every readwrite transaction queued so far on the run tables has committed. */
export async function settle(db: TabflowDb): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 100));
  await db.transaction('rw', db.runs, db.steps, async () => undefined);
}

/** Calls `once` back to back for `durationMs` (after a short warm-up): sequential transactions per second. */
async function rate(durationMs: number, once: (i: number) => Promise<string>): Promise<TxFigure> {
  let durability = '';
  for (let i = 0; i < 100; i++) durability = await once(i);
  let transactions = 0;
  const started = performance.now();
  while (performance.now() - started < durationMs) durability = await once(transactions++);
  const ms = performance.now() - started;
  return { transactions, ms, perSecond: (transactions / ms) * 1000, durability };
}

export function openRaw(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(RAW_DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore('kv', { keyPath: 'id' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** The physical limit: one small put per readwrite transaction, default durability, no library. */
export async function rawIdb(durationMs: number): Promise<TxFigure> {
  const db = await openRaw();
  try {
    return await rate(
      durationMs,
      (i) =>
        new Promise((resolve, reject) => {
          const tx = db.transaction('kv', 'readwrite');
          tx.objectStore('kv').put({ id: i % 64, value: i });
          tx.oncomplete = () => resolve(tx.durability);
          tx.onerror = () => reject(tx.error);
          tx.onabort = () => reject(tx.error);
        }),
    );
  } finally {
    db.close();
  }
}

/** The same through Dexie: what the library adds to one transaction. */
export async function dexieTx(durationMs: number): Promise<TxFigure> {
  const db = new Dexie(DEXIE_DB) as Dexie & { kv: EntityTable<{ id: number; value: number }, 'id'> };
  db.version(1).stores({ kv: 'id' });
  await db.open();
  try {
    return await rate(durationMs, async (i) => {
      await db.transaction('rw', db.kv, () => db.kv.put({ id: i % 64, value: i }));
      return 'default';
    });
  } finally {
    db.close();
  }
}

/** A bench run record for the store figures: one run, generation 0, its id as long as the engine's (a UUID). */
export const BENCH_RUN: RunRecord = {
  id: '7c9f77b9-e530-4f77-866a-7f276b03352b',
  workflowHash: 'h',
  workflowName: 'n',
  mode: 'durable',
  input: {},
  status: 'running',
  generation: 0,
  createdAt: 0,
  updatedAt: 0,
  activeMs: 0,
  depth: 0,
  nextSeq: 0,
};

/** Step `i` of the bench run: started (its attempt running), or completed with the no-op effect's response. */
export function benchStep(i: number, status: 'started' | 'completed'): StepRecord {
  const started = {
    kind: 'step' as const,
    key: `${BENCH_RUN.id}:s${i}@`,
    runId: BENCH_RUN.id,
    slug: `s${i}`,
    path: '',
    stepType: 'action',
    seq: i,
    interruptions: 0,
    startedAt: i,
    input: { method: 'POST', url: `https://bench.local/s${i}`, headers: {}, query: {}, sendsSecrets: [] },
  };
  if (status === 'started') return { ...started, status, attempts: [{ n: 1, startedAt: i, outcome: 'running' }] };
  return { ...started, status, attempts: [{ n: 1, startedAt: i, outcome: 'ok', endedAt: i }], endedAt: i, output: OK };
}

/** `DexieEngineStore.commit` of `batch(i)` back to back, each fenced by the bench run's lease. */
async function storeRate(durationMs: number, batch: (i: number) => StepRecord[]): Promise<TxFigure> {
  const store = new DexieEngineStore(await freshDb());
  await store.commit({ fences: [], runs: [BENCH_RUN] });
  return rate(durationMs, async (i) => {
    await store.commit({ fences: [{ runId: BENCH_RUN.id, generation: BENCH_RUN.generation }], steps: batch(i) });
    return 'default';
  });
}

/** The engine's per-step write alone: `DexieEngineStore.commit` of one fenced step record. */
export const storeCommit = (durationMs: number) => storeRate(durationMs, (i) => [benchStep(i, 'completed')]);
