import 'fake-indexeddb/auto';
import type { DBCore, DBCoreTable } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { FencedError, QuotaError, type CommitBatch, type CommitResult } from '../../../src/engine/store';
import { TabflowDb } from '../../../src/store/db';
import { DexieEngineStore } from '../../../src/store/engineStore';
import { aRun, aStep, anEvent, completed, observe, seedRows } from './fixtures';
import { fillableIndexedDb, spyOnIndexedDb } from './idbSpy';

const opened: TabflowDb[] = [];
const restores: Array<() => void> = [];
afterEach(async () => {
  restores.splice(0).forEach((restore) => restore());
  await Promise.all(opened.splice(0).map((db) => db.delete()));
});

function freshDb(name = 't-' + crypto.randomUUID()): TabflowDb {
  const db = new TabflowDb(name);
  opened.push(db);
  return db;
}

function spyOn(db: TabflowDb) {
  const spy = spyOnIndexedDb(db.name);
  restores.push(spy.restore);
  return spy;
}

/**
 * A disk that fills up on demand at Dexie's level: while `full`, every write to `tableName` fails as a browser would.
 */
function fillableDisk(db: TabflowDb, tableName: string) {
  const disk = { full: false };
  db.use({
    stack: 'dbcore',
    name: 'full-disk',
    create: (down: DBCore): Partial<DBCore> => ({
      ...down,
      table: (name): DBCoreTable => {
        const table = down.table(name);
        if (name !== tableName) return table;
        return {
          ...table,
          mutate: (req) =>
            disk.full
              ? Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'))
              : table.mutate(req),
        };
      },
    }),
  });
  return disk;
}

describe('DexieEngineStore transactions', () => {
  it('a commit is one readwrite transaction over only the tables it touches', async () => {
    const db = freshDb();
    await db.open();
    const spy = spyOn(db);
    const store = new DexieEngineStore(db);
    await store.commit({ fences: [{ runId: 'r1', generation: 0 }], runs: [aRun('r1')], steps: [aStep('r1', 'a', 0)] });
    await store.commit({ fences: [], events: [anEvent('e1', 'r1', 1)] });
    expect(spy.transactions).toEqual([
      { stores: ['leases', 'runs', 'steps'], mode: 'readwrite' },
      { stores: ['events'], mode: 'readwrite' },
    ]);
  });

  it('a commit reads no journal, only keyed gets, however long the run already is', async () => {
    const db = freshDb();
    const spy = spyOn(db);
    const store = new DexieEngineStore(db);
    const history = Array.from({ length: 2_000 }, (_, seq) => completed(aStep('r1', `s${seq}`, seq), seq));
    await store.commit({ fences: [], runs: [aRun('r1', { nextSeq: 2_000 })], steps: history });
    await seedRows(store, 'customers', [{ id: 'c1', tier: 'silver' }]);
    spy.reset();
    const next = aStep('r1', 'promote', 2_000);
    await store.commit({
      fences: [{ runId: 'r1', generation: 0 }],
      runs: [aRun('r1', { nextSeq: 2_001 })],
      steps: [completed(history[1_999]!, 'again'), next],
      events: [anEvent('e1', 'r1', 1)],
      tableUpdates: [
        { table: 'customers', where: { id: 'c1' }, set: { tier: 'gold' }, upsert: false, outputOf: next.key },
      ],
    });
    expect(spy.reads()).toEqual([
      { table: 'runs', op: 'get' },
      { table: 'tableRows', op: 'get' },
    ]);
  });

  it("a step's commit without table updates reads nothing: its fence is its writer's lease", async () => {
    const db = freshDb();
    const spy = spyOn(db);
    const store = new DexieEngineStore(db);
    const history = Array.from({ length: 2_000 }, (_, seq) => completed(aStep('r1', `s${seq}`, seq), seq));
    await store.commit({ fences: [], runs: [aRun('r1', { nextSeq: 2_000 })], steps: history });
    spy.reset();
    const next = aStep('r1', 'next', 2_000);
    await store.commit({
      fences: [{ runId: 'r1', generation: 0 }],
      runs: [aRun('r1', { nextSeq: 2_001 })],
      steps: [completed(history[1_999]!, 'again'), next],
    });
    expect(spy.transactions).toEqual([{ stores: ['leases', 'runs', 'steps'], mode: 'readwrite' }]);
    expect(spy.reads()).toEqual([]);
    expect(spy.calls.filter((c) => c.op === 'put').map((c) => c.table)).toEqual(['leases', 'runs', 'steps', 'steps']);
  });

  it("loadSteps is a single range query on the run's [runId+seq] index", async () => {
    const db = freshDb();
    const spy = spyOn(db);
    const store = new DexieEngineStore(db);
    await store.commit({ fences: [], steps: [aStep('r1', 'b', 1), aStep('r1', 'a', 0), aStep('r2', 'a', 0)] });
    spy.reset();
    expect((await store.loadSteps('r1')).map((s) => s.slug)).toEqual(['a', 'b']);
    expect(spy.calls).toEqual([{ table: 'steps', op: 'getAll', index: '[runId+seq]' }]);
  });
});

/** Run r1 with a started `fetch` and a `draft` the next commit deletes. */
async function seedFetchAndDraft(store: DexieEngineStore) {
  const fetch = aStep('r1', 'fetch', 0);
  const stale = aStep('r1', 'draft', 1);
  await store.commit({ fences: [], runs: [aRun('r1', { nextSeq: 2 })], steps: [fetch, stale] });
  return { fetch, stale };
}

/** Commits `batch` on a full disk (refused as QuotaError, nothing changes), then once space is free again. */
async function commitAcrossFullDisk(
  store: DexieEngineStore,
  disk: { full: boolean },
  batch: CommitBatch,
): Promise<CommitResult> {
  const before = await observe(store, ['r1'], 'customers');
  disk.full = true;
  const failed = store.commit(batch);
  await expect(failed).rejects.toBeInstanceOf(QuotaError);
  await expect(failed).rejects.toThrow(/browser storage is full/);
  expect(await observe(store, ['r1'], 'customers')).toEqual(before);
  disk.full = false;
  return store.commit(batch);
}

describe('DexieEngineStore errors', () => {
  it('a full disk during a commit surfaces as QuotaError and leaves the previous state intact', async () => {
    const db = freshDb();
    const disk = fillableDisk(db, 'events');
    const store = new DexieEngineStore(db);
    const { fetch, stale } = await seedFetchAndDraft(store);
    await seedRows(store, 'customers', [{ id: 'c1', tier: 'silver' }]);
    const promote = aStep('r1', 'promote', 2);
    const result = await commitAcrossFullDisk(store, disk, {
      fences: [{ runId: 'r1', generation: 0 }],
      runs: [aRun('r1', { status: 'waiting', nextSeq: 3 })],
      steps: [completed(fetch, { ok: true }), completed(promote, undefined)],
      deleteStepKeys: [stale.key],
      events: [anEvent('e1', 'r1', 1)],
      tableUpdates: [
        { table: 'customers', where: { tier: 'silver' }, set: { tier: 'gold' }, upsert: false, outputOf: promote.key },
      ],
    });
    expect(result.tableOutputs[promote.key]).toMatchObject({ updated: 1, rows: [{ id: 'c1', tier: 'gold' }] });
    expect((await store.loadSteps('r1')).map((s) => [s.slug, s.status])).toEqual([
      ['fetch', 'completed'],
      ['promote', 'completed'],
    ]);
  });

  it.each(['request', 'transaction'] as const)(
    "a full disk during a step's commit (refused by the %s) surfaces as QuotaError and keeps nothing of the batch",
    async (mode) => {
      const db = freshDb();
      const store = new DexieEngineStore(db);
      const { fetch, stale } = await seedFetchAndDraft(store);
      const disk = fillableIndexedDb(db.name, 'events', mode);
      restores.push(disk.restore);
      await commitAcrossFullDisk(store, disk, {
        fences: [{ runId: 'r1', generation: 0 }],
        runs: [aRun('r1', { status: 'waiting', nextSeq: 3 })],
        steps: [completed(fetch, { ok: true }), aStep('r1', 'wait', 2)],
        deleteStepKeys: [stale.key],
        events: [anEvent('e1', 'r1', 1)],
      });
      expect((await store.loadSteps('r1')).map((s) => [s.slug, s.status])).toEqual([
        ['fetch', 'completed'],
        ['wait', 'started'],
      ]);
      expect(await store.loadEvents('r1')).toHaveLength(1);
    },
  );

  it('a full disk while saving a definition surfaces as QuotaError', async () => {
    const db = freshDb();
    fillableDisk(db, 'definitions').full = true;
    const store = new DexieEngineStore(db);
    await expect(store.saveDefinition('h1', { workflowConfig: { name: 'x' } } as never)).rejects.toBeInstanceOf(
      QuotaError,
    );
  });

  it("a second tab's takeover fences the first tab's writer across database handles", async () => {
    const name = 't-' + crypto.randomUUID();
    const tabA = new DexieEngineStore(freshDb(name));
    const tabB = new DexieEngineStore(freshDb(name));
    const step = aStep('r1', 'ask', 0);
    await tabA.commit({ fences: [{ runId: 'r1', generation: 0 }], runs: [aRun('r1')], steps: [step] });
    await tabB.commit({ fences: [{ runId: 'r1', generation: 0 }], runs: [aRun('r1', { generation: 1 })] });
    const late = tabA.commit({ fences: [{ runId: 'r1', generation: 0 }], steps: [completed(step, 'late answer')] });
    await expect(late).rejects.toEqual(new FencedError('r1'));
    expect((await tabB.loadSteps('r1'))[0]!.status).toBe('started');
  });
});
