import 'fake-indexeddb/auto';
import Dexie, { RangeSet, rangesOverlap, type ObservabilitySet } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { TabflowDb } from '../../../src/store/db';
import { DexieEngineStore } from '../../../src/store/engineStore';
import { ChangeSignal } from '../../../src/store/changeSignal';
import { aRun, aStep, completed } from './fixtures';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

function freshDb(): TabflowDb {
  const db = new TabflowDb('t-' + crypto.randomUUID());
  cleanups.push(() => db.delete());
  return db;
}

/** Every storagemutated notification fired in this context, as Dexie forwards them to other contexts. */
function notifications(): ObservabilitySet[] {
  const seen: ObservabilitySet[] = [];
  const listener = (parts: ObservabilitySet) => void seen.push(parts);
  Dexie.on('storagemutated', listener);
  cleanups.push(() => Dexie.on.storagemutated.unsubscribe(listener));
  return seen;
}

/** Would a liveQuery that read `key` through `index` of `table` be re-run by these parts? */
function wakes(parts: ObservabilitySet, db: Dexie, table: string, index: string, key: unknown): boolean {
  const observed = new RangeSet().addKey(key as never);
  const part = parts[`idb://${db.name}/${table}/${index}`];
  return part !== undefined && rangesOverlap(part, observed);
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('change notification for writes on the native connection', () => {
  it('tells liveQuery which keys and index entries a step commit changed', async () => {
    const db = freshDb();
    await db.open(); // opening notifies "everything changed" by itself
    const seen = notifications();
    const store = new DexieEngineStore(db);
    await store.commit({
      fences: [{ runId: 'r1', generation: 0 }],
      runs: [aRun('r1', { status: 'running' })],
      steps: [aStep('r1', 'fetch', 0)],
    });
    await wait(80);
    expect(seen).toHaveLength(1);
    const [parts] = seen as [ObservabilitySet];
    expect(wakes(parts, db, 'runs', '', 'r1')).toBe(true);
    expect(wakes(parts, db, 'runs', 'status', 'running')).toBe(true);
    expect(wakes(parts, db, 'steps', '[runId+seq]', ['r1', 0])).toBe(true);
    expect(wakes(parts, db, 'runs', '', 'r2')).toBe(false);
    expect(wakes(parts, db, 'steps', '[runId+seq]', ['r2', 0])).toBe(false);
  });

  it('coalesces a burst of commits into one notification naming all of them', async () => {
    const db = freshDb();
    await db.open(); // opening notifies "everything changed" by itself
    const seen = notifications();
    const store = new DexieEngineStore(db);
    for (let seq = 0; seq < 20; seq++) {
      await store.commit({ fences: [], steps: [completed(aStep('r1', `s${seq}`, seq), seq)] });
    }
    await wait(80);
    expect(seen).toHaveLength(1);
    expect(wakes(seen[0]!, db, 'steps', '[runId+seq]', ['r1', 0])).toBe(true);
    expect(wakes(seen[0]!, db, 'steps', '[runId+seq]', ['r1', 19])).toBe(true);
  });

  it('reports deleted step keys, and nothing for a refused (fenced) commit', async () => {
    const db = freshDb();
    const store = new DexieEngineStore(db);
    const stale = aStep('r1', 'draft', 0);
    await store.commit({ fences: [], runs: [aRun('r1', { generation: 1 })], steps: [stale] });
    await wait(80);
    const seen = notifications();
    await expect(
      store.commit({ fences: [{ runId: 'r1', generation: 0 }], steps: [aStep('r1', 'late', 1)] }),
    ).rejects.toThrow();
    await store.commit({ fences: [{ runId: 'r1', generation: 1 }], deleteStepKeys: [stale.key] });
    await wait(80);
    expect(seen).toHaveLength(1);
    expect(wakes(seen[0]!, db, 'steps', ':dels', stale.key)).toBe(true);
    expect(wakes(seen[0]!, db, 'steps', '', aStep('r1', 'late', 1).key)).toBe(false);
  });

  it('flush sends what collected at once', () => {
    const db = freshDb();
    const seen = notifications();
    const signal = new ChangeSignal(db, 10_000);
    signal.record([{ table: 'runs', record: aRun('r9') }]);
    expect(seen).toHaveLength(0);
    signal.flush();
    expect(seen).toHaveLength(1);
    expect(wakes(seen[0]!, db, 'runs', '', 'r9')).toBe(true);
  });
});
