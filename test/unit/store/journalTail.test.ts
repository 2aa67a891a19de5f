import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { isResumeAnchor } from '../../../src/engine/frontier';
import { MemoryStore } from '../../../src/engine/memoryStore';
import type { StepRecord } from '../../../src/engine/records';
import type { EngineStore } from '../../../src/engine/store';
import { TabflowDb } from '../../../src/store/db';
import { DexieEngineStore } from '../../../src/store/engineStore';
import { aRun, aStep, completed } from './fixtures';

/** The two reads a resume makes instead of the whole journal, the same in both stores. */
function journalTailContract(createStore: () => EngineStore) {
  const seed = async (store: EngineStore, steps: StepRecord[]) =>
    store.commit({ fences: [], runs: [aRun('r1', { nextSeq: steps.length })], steps });

  it('reads newest first back to the newest anchor, returned in recording order', async () => {
    const store = createStore();
    const steps = [
      completed(aStep('r1', 'a', 0), 1),
      completed(aStep('r1', 'b', 1), 2),
      completed(aStep('r1', 'c', 2), 3),
      aStep('r1', 'd', 3),
    ];
    await seed(store, steps);
    await store.commit({ fences: [], steps: [completed(aStep('r2', 'other', 9), 0)] });
    const tail = await store.loadJournalTail!('r1', isResumeAnchor);
    expect(tail.map((s) => s.slug)).toEqual(['c', 'd']);
  });

  it('reads the whole journal when no record anchors it', async () => {
    const store = createStore();
    await seed(store, [aStep('r1', 'a', 0), aStep('r1', 'b', 1)]);
    expect((await store.loadJournalTail!('r1', isResumeAnchor)).map((s) => s.slug)).toEqual(['a', 'b']);
    expect(await store.loadJournalTail!('nobody', isResumeAnchor)).toEqual([]);
  });

  it('reads records by key, leaving out the missing ones', async () => {
    const store = createStore();
    const a = completed(aStep('r1', 'a', 0), { n: 1 });
    await seed(store, [a, aStep('r1', 'b', 1)]);
    expect(await store.loadStepsByKey!([a.key, 'r1:gone@'])).toEqual([a]);
  });
}

describe('MemoryStore', () => journalTailContract(() => new MemoryStore()));

describe('DexieEngineStore', () => {
  const opened: TabflowDb[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.delete()));
  });
  journalTailContract(() => {
    const db = new TabflowDb('tail-' + crypto.randomUUID());
    opened.push(db);
    return new DexieEngineStore(db);
  });
});
