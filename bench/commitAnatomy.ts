import type { StepRecord } from '../src/engine/records';
import { DexieEngineStore } from '../src/store/engineStore';
import { BENCH_RUN, benchStep, freshDb, openRaw } from './measures';
import { checkLayoutFences, layoutCommits, openLayouts } from './commitLayouts';
import type { CommitAnatomy } from './protocol';
import { median } from './stats';

/**
 * What one durable step's commit costs, without the engine, built up from raw IndexedDB: one small put; one step
 * record; the two records the effect chain commits per step (a completion and the next step's start); those two
 * with the writer's lease put beside them (the fence), on the native connection; and the same batch through
 * `DexieEngineStore.commit`, as the engine commits it. The five take turns in short rounds (medians), so a busy
 * disk weighs on all of them alike. The last is the ceiling of `durable_steps_per_s` on the effect chain: one such
 * commit per step. The other layouts of a fenced commit (`commitLayouts.ts`) take their turns in the same rounds.
 */
export async function commitAnatomy(roundMs: number, rounds: number): Promise<CommitAnatomy> {
  const raw = await openRaw();
  const layoutsDb = await openLayouts();
  const db = await freshDb();
  const steps = db.backendDB();
  const store = new DexieEngineStore(db);
  await store.commit({ fences: [], runs: [BENCH_RUN] });
  const native =
    (storeName: string, records: (i: number) => object[], lease = false) =>
    (i: number) =>
      new Promise<void>((resolve, reject) => {
        const tx = (storeName === 'kv' ? raw : steps).transaction(
          lease ? ['leases', storeName] : storeName,
          'readwrite',
        );
        if (lease) tx.objectStore('leases').put({ runId: BENCH_RUN.id, generation: BENCH_RUN.generation });
        for (const record of records(i)) tx.objectStore(storeName).put(record);
        tx.oncomplete = () => resolve();
        tx.onabort = () => reject(tx.error);
        tx.commit();
      });
  const pair = (i: number): StepRecord[] => [benchStep(i, 'completed'), benchStep(i + 1, 'started')];
  const kinds = {
    rawPut: native('kv', (i) => [{ id: i % 64, value: i }]),
    oneStepRecord: native('steps', (i) => [benchStep(i, 'completed')]),
    twoStepRecords: native('steps', pair),
    twoStepRecordsLeased: native('steps', pair, true),
    engineCommit: async (i: number) => {
      await store.commit({ fences: [{ runId: BENCH_RUN.id, generation: BENCH_RUN.generation }], steps: pair(i) });
    },
    ...layoutCommits(layoutsDb),
  };
  try {
    const rates = Object.fromEntries(Object.keys(kinds).map((kind) => [kind, [] as number[]])) as Record<
      keyof typeof kinds,
      number[]
    >;
    let i = 0;
    for (let round = 0; round <= rounds; round++) {
      const order = Object.entries(kinds) as Array<[keyof typeof kinds, (i: number) => Promise<void>]>;
      // Every other round runs backwards: a kind's place in the round (the disk busy after the one before) evens out.
      if (round % 2 === 1) order.reverse();
      for (const [kind, once] of order) {
        let count = 0;
        const started = performance.now();
        while (performance.now() - started < roundMs) {
          await once(i);
          i += 2;
          count++;
        }
        // Round 0 warms every kind up and is not counted.
        if (round > 0) rates[kind].push((count / (performance.now() - started)) * 1000);
      }
    }
    await checkLayoutFences(layoutsDb);
    const { rawPut, oneStepRecord, twoStepRecords, twoStepRecordsLeased, engineCommit, ...layouts } = rates;
    return {
      rawPut: median(rawPut),
      oneStepRecord: median(oneStepRecord),
      twoStepRecords: median(twoStepRecords),
      twoStepRecordsLeased: median(twoStepRecordsLeased),
      engineCommit: median(engineCommit),
      layouts: Object.fromEntries(
        Object.entries(layouts).map(([kind, samples]) => [kind, median(samples)]),
      ) as unknown as CommitAnatomy['layouts'],
    };
  } finally {
    raw.close();
    layoutsDb.close();
  }
}
