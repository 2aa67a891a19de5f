import type { StepRecord } from '../src/engine/records';
import { BENCH_RUN, benchStep } from './measures';
import type { CommitLayoutRates } from './protocol';

/**
 * Other layouts of one fenced step commit, on a raw database of their own whose stores copy the product's
 * (`steps` keyed by `key` with a `[runId+seq]` index; `leases` keyed `[runId+generation]` with a unique `runId`),
 * plus the variants: a steps store that also holds the lease (a unique index on `leaseOf`, a field only lease
 * records have, so step records stay out of it, and lease records, which have no `seq`, stay out of
 * `[runId+seq]`), and a lease store without its unique index (not a fence: it only shows what the index costs).
 */
const LAYOUTS_DB = 'tabflow-bench-layouts';

export function openLayouts(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    indexedDB.deleteDatabase(LAYOUTS_DB);
    for (const journal of Object.values(CHUNKED)) journal.steps = 0;
    const request = indexedDB.open(LAYOUTS_DB, 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore('steps', { keyPath: 'key' }).createIndex('[runId+seq]', ['runId', 'seq']);
      db.createObjectStore('leases', { keyPath: ['runId', 'generation'] }).createIndex('runId', 'runId', {
        unique: true,
      });
      db.createObjectStore('unindexedLeases', { keyPath: ['runId', 'generation'] });
      const fencedSteps = db.createObjectStore('fencedSteps', { keyPath: 'key' });
      fencedSteps.createIndex('[runId+seq]', ['runId', 'seq']);
      fencedSteps.createIndex('leaseOf', 'leaseOf', { unique: true });
      db.createObjectStore('unindexedSteps', { keyPath: 'key' });
      for (const { store } of Object.values(CHUNKED))
        db.createObjectStore(store, { keyPath: ['runId', 'generation', 'chunk'] }).createIndex(
          'openChunkOf',
          'openChunkOf',
          { unique: true },
        );
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

type Put = [store: string, record: object];

/** One readwrite transaction of `puts`, committed as soon as they are issued. */
function commitPuts(db: IDBDatabase, puts: Put[]): Promise<void> {
  const tx = db.transaction([...new Set(puts.map(([store]) => store))], 'readwrite');
  return new Promise((resolve, reject) => {
    for (const [store, record] of puts) tx.objectStore(store).put(record);
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error);
    tx.commit();
  });
}

const completion = (i: number): StepRecord => benchStep(i, 'completed');
const nextStart = (i: number): StepRecord => benchStep(i + 1, 'started');
const lease = (running?: StepRecord) => ({
  runId: BENCH_RUN.id,
  generation: BENCH_RUN.generation,
  ...(running ? { running } : {}),
});
/** The lease as a record of the steps store: an array key no step record has, and the unique field. */
const leaseInSteps = (running?: StepRecord) => ({
  key: [BENCH_RUN.id, BENCH_RUN.generation],
  leaseOf: BENCH_RUN.id,
  generation: BENCH_RUN.generation,
  ...(running ? { running } : {}),
});

/** Each layout's puts for step `i`, in the order the native commit issues them (the lease first). */
const LAYOUTS: Record<keyof CommitLayoutRates, (i: number) => Put[]> = {
  // The product's layout on this database: the same as `twoStepRecordsLeased`, a check that the databases agree.
  twoStepsLeaseStore: (i) => [
    ['leases', lease()],
    ['steps', completion(i)],
    ['steps', nextStart(i)],
  ],
  // (a) the next step's running attempt rides on the lease record instead of a step record of its own.
  oneStepLeaseCarriesStart: (i) => [
    ['leases', lease(nextStart(i))],
    ['steps', completion(i)],
  ],
  // (b) the lease is a record of the steps store: one object store per transaction.
  twoStepsLeaseInSteps: (i) => [
    ['fencedSteps', leaseInSteps()],
    ['fencedSteps', completion(i)],
    ['fencedSteps', nextStart(i)],
  ],
  // (c) both: one step record and the lease carrying the next start, in the steps store.
  oneStepLeaseInStepsCarriesStart: (i) => [
    ['fencedSteps', leaseInSteps(nextStart(i))],
    ['fencedSteps', completion(i)],
  ],
  // (d) not a fence: the lease store without its unique index, to see what the index costs.
  twoStepsUnindexedLease: (i) => [
    ['unindexedLeases', lease()],
    ['steps', completion(i)],
    ['steps', nextStart(i)],
  ],
  // Not valid either (the journal is read by `[runId+seq]`): what the steps' index costs.
  twoStepsNoStepIndex: (i) => [
    ['unindexedSteps', completion(i)],
    ['unindexedSteps', nextStart(i)],
  ],
  // The fence alone, as a lower bound of any fenced layout: one put of the lease in its unique-indexed store.
  leaseAlone: () => [['leases', lease()]],
  // (e) one record per run, the frontier and the fence: the lease carrying the completion and the next start,
  // the completion written to the journal one step later (here: the previous step's, in the same transaction).
  frontierCarriesBoth: (i) => [
    ['fencedSteps', { ...leaseInSteps(nextStart(i)), completed: completion(i) }],
    ['fencedSteps', completion(i - 2)],
  ],
  // (f) the journal kept in chunks of 16 records, the open chunk being the lease (unique `openChunkOf`, keyed by
  // generation): one put per step, the chunk rewritten with the completion and the next start (8 records on average).
  journalChunkAsLease: () => nextChunkPuts(CHUNKED.journalChunkAsLease),
  // The same in chunks of 4 records: fewer bytes a put, a second put every 4 steps.
  journalChunk4AsLease: () => nextChunkPuts(CHUNKED.journalChunk4AsLease),
  // (g) as (a) with only the running attempt on the lease (the step's key and attempt number), not a whole record.
  oneStepLeaseCarriesAttempt: (i) => [
    ['leases', { ...lease(), running: { key: nextStart(i).key, n: 1, startedAt: i } }],
    ['steps', completion(i)],
  ],
};

/**
 * A journal in chunks: `size` records a chunk, in `store`. Each counts its own steps (the rounds' `i` jumps while
 * the other kinds take their turns). When a chunk fills, that step also puts it closed (without `openChunkOf`),
 * before the new open one.
 */
interface ChunkedJournal {
  store: string;
  size: number;
  steps: number;
}

const CHUNKED = {
  journalChunkAsLease: { store: 'chunks', size: 16, steps: 0 },
  journalChunk4AsLease: { store: 'chunks4', size: 4, steps: 0 },
} satisfies Partial<Record<keyof CommitLayoutRates, ChunkedJournal>>;

function nextChunkPuts(journal: ChunkedJournal): Put[] {
  const step = journal.steps++;
  const closed: Put[] = [];
  if (step > 0 && step % journal.size === 0) {
    const { openChunkOf: _open, ...previous } = openChunk(journal, step - 1);
    closed.push([journal.store, previous]);
  }
  return [...closed, [journal.store, openChunk(journal, step)]];
}

function openChunk({ size }: ChunkedJournal, step: number) {
  const first = step - (step % size);
  const records = Array.from({ length: (step % size) + 1 }, (_, n) => completion((first + n) * 2));
  return {
    runId: BENCH_RUN.id,
    generation: BENCH_RUN.generation,
    chunk: first / size,
    openChunkOf: BENCH_RUN.id,
    records: [...records, nextStart(step * 2)],
  };
}

export const LAYOUT_KINDS = Object.keys(LAYOUTS) as Array<keyof CommitLayoutRates>;

/** Step `i`'s commit in each layout. */
export function layoutCommits(db: IDBDatabase): Record<keyof CommitLayoutRates, (i: number) => Promise<void>> {
  return Object.fromEntries(
    LAYOUT_KINDS.map((kind) => [kind, (i: number) => commitPuts(db, LAYOUTS[kind](i))]),
  ) as Record<keyof CommitLayoutRates, (i: number) => Promise<void>>;
}

/**
 * Run after the rounds: each layout counted as a fence must refuse a stale writer. The run's lease moves to
 * generation 1 as a takeover moves it; generation 0's next commit in that layout must then fail (ConstraintError).
 */
/** A layout, the takeover's puts in it, and the stale writer's open lease (or chunk) the takeover deletes first. */
type Takeover = [layout: keyof CommitLayoutRates, takeover: Put[], deleted: [store: string, key: IDBValidKey]];

export async function checkLayoutFences(db: IDBDatabase): Promise<void> {
  const next = { runId: BENCH_RUN.id, generation: BENCH_RUN.generation + 1 };
  const takeovers: Takeover[] = [
    ['oneStepLeaseCarriesStart', [['leases', next]], ['leases', [BENCH_RUN.id, BENCH_RUN.generation]]],
    [
      'oneStepLeaseInStepsCarriesStart',
      [['fencedSteps', { key: [next.runId, next.generation], leaseOf: next.runId, generation: next.generation }]],
      ['fencedSteps', [BENCH_RUN.id, BENCH_RUN.generation]],
    ],
    ...Object.entries(CHUNKED).map(([layout, journal]): Takeover => [
      layout as keyof typeof CHUNKED,
      [[journal.store, { ...next, chunk: 1_000_000, openChunkOf: next.runId, records: [] }]],
      [journal.store, [BENCH_RUN.id, BENCH_RUN.generation, openChunk(journal, journal.steps - 1).chunk]],
    ]),
  ];
  for (const [layout, takeover, [store, key]] of takeovers) {
    await deleteKey(db, store, key);
    await commitPuts(db, takeover);
    const stale = await commitPuts(db, LAYOUTS[layout](0)).then(
      () => undefined,
      (error: unknown) => error,
    );
    if (!(stale instanceof DOMException && stale.name === 'ConstraintError'))
      throw new Error(`the ${layout} layout let a stale writer commit: it is no fence`);
  }
}

function deleteKey(db: IDBDatabase, store: string, key: IDBValidKey): Promise<void> {
  const tx = db.transaction(store, 'readwrite');
  tx.objectStore(store).delete(key);
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error);
  });
}
