import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { FencedError, type CommitBatch } from '../../../src/engine/store';
import { TabflowDb } from '../../../src/store/db';
import { backupTables } from '../../../src/store/backup';
import { DexieEngineStore } from '../../../src/store/engineStore';
import { planLeases } from '../../../src/store/leases';
import { aRun, aStep, anEvent, completed, observe } from './fixtures';

/** Writer leases (`src/store/leases.ts`): a step's commit is fenced inside IndexedDB, without reading its run. */

const opened: TabflowDb[] = [];
const restores: Array<() => void> = [];
afterEach(async () => {
  restores.splice(0).forEach((restore) => restore());
  await Promise.all(opened.splice(0).map((db) => db.delete()));
});

/** Two tabs: two database handles on one database. */
function twoTabs() {
  const name = 'lease-' + crypto.randomUUID();
  const open = () => {
    const db = new TabflowDb(name);
    opened.push(db);
    return db;
  };
  const a = open();
  const b = open();
  return { a, b, tabA: new DexieEngineStore(a), tabB: new DexieEngineStore(b) };
}

const fence = (generation: number) => [{ runId: 'r1', generation }];

describe('writer leases', () => {
  it("a backup carries no leases: they belong to this browser's writers", () => {
    const { a } = twoTabs();
    expect(backupTables(a).map((table) => table.name)).not.toContain('leases');
    expect(backupTables(a).map((table) => table.name)).toContain('runs');
  });

  it('planLeases: a takeover is read, a steady writer is leased, an unfenced run write moves the lease', () => {
    const batch: CommitBatch = {
      fences: [
        { runId: 'taken', generation: 2 },
        { runId: 'steady', generation: 5 },
      ],
      runs: [aRun('taken', { generation: 3 }), aRun('steady', { generation: 5 }), aRun('child', { generation: 0 })],
    };
    expect(planLeases(batch)).toEqual({
      read: [{ runId: 'taken', generation: 2 }],
      leased: [{ runId: 'steady', generation: 5 }],
      moved: [
        { runId: 'taken', generation: 3 },
        { runId: 'child', generation: 0 },
      ],
    });
  });

  it(
    "a takeover's lease refuses every later write of the writer it replaced, " + 'whatever the batch holds',
    async () => {
      const { tabA, tabB } = twoTabs();
      const ask = aStep('r1', 'ask', 0);
      await tabA.commit({ fences: fence(0), runs: [aRun('r1', { nextSeq: 1 })], steps: [ask] });
      await tabB.commit({ fences: fence(0), runs: [aRun('r1', { generation: 1, nextSeq: 1 })] });
      const before = await observe(tabB, ['r1'], 'none');
      const lateBatches: CommitBatch[] = [
        { fences: fence(0), steps: [completed(ask, 'late'), aStep('r1', 'next', 1)] },
        { fences: fence(0), runs: [aRun('r1', { status: 'paused' })], steps: [completed(ask, 'late')] },
        { fences: fence(0), events: [anEvent('e1', 'r1', 1)], deleteStepKeys: [ask.key] },
      ];
      for (const batch of lateBatches) await expect(tabA.commit(batch)).rejects.toEqual(new FencedError('r1'));
      expect(await observe(tabB, ['r1'], 'none')).toEqual(before);
      await tabB.commit({ fences: fence(1), steps: [completed(ask, 'current')] });
      expect((await tabB.loadSteps('r1'))[0]!.output).toBe('current');
    },
  );

  it(
    'a run written under a new generation without a fence (an edit, a restore) ' + 'refuses writers above and below it',
    async () => {
      const { tabA, tabB } = twoTabs();
      await tabA.commit({ fences: fence(3), runs: [aRun('r1', { generation: 3 })], steps: [aStep('r1', 'a', 0)] });
      await tabB.commit({ fences: [], runs: [aRun('r1', { generation: 5 })] });
      await expect(tabA.commit({ fences: fence(3), steps: [aStep('r1', 'b', 1)] })).rejects.toEqual(
        new FencedError('r1'),
      );
      await expect(tabA.commit({ fences: fence(6), steps: [aStep('r1', 'b', 1)] })).rejects.toEqual(
        new FencedError('r1'),
      );
      await tabB.commit({ fences: fence(5), steps: [aStep('r1', 'b', 1)] });
      expect((await tabB.loadSteps('r1')).map((step) => step.slug)).toEqual(['a', 'b']);
    },
  );

  it(
    'a run stored before leases existed: its writer commits, ' +
      'a takeover moves the lease, the old writer is refused',
    async () => {
      const { a, tabA, tabB } = twoTabs();
      // Version 8 stored runs and steps only: no lease for this run in flight.
      await a.runs.put(aRun('r1', { generation: 4, nextSeq: 1 }));
      await a.steps.put(aStep('r1', 'ask', 0));
      await tabA.commit({ fences: fence(4), steps: [completed(aStep('r1', 'ask', 0), 'first')] });
      await tabB.commit({ fences: fence(4), runs: [aRun('r1', { generation: 5, nextSeq: 1 })] });
      await expect(tabA.commit({ fences: fence(4), steps: [aStep('r1', 'next', 1)] })).rejects.toEqual(
        new FencedError('r1'),
      );
      expect(await tabB.loadSteps('r1')).toEqual([completed(aStep('r1', 'ask', 0), 'first')]);
    },
  );

  it(
    'a takeover cut off at any of its requests keeps nothing: ' + 'the old writer goes on, the takeover can be retried',
    async () => {
      const takeover: CommitBatch = { fences: fence(0), runs: [aRun('r1', { generation: 1 })] };
      for (let failAt = 0; ; failAt++) {
        const { b, tabA, tabB } = twoTabs();
        await tabA.commit({ fences: fence(0), runs: [aRun('r1')], steps: [aStep('r1', 'a', 0)] });
        const crash = crashAtRequest(b.name, failAt);
        restores.push(crash.restore);
        const outcome = await tabB.commit(takeover).then(
          () => 'committed',
          (error: unknown) => (error as Error).message,
        );
        crash.restore();
        if (outcome === 'committed') {
          // Past the takeover's last request: each was cut once (the run's read, the lease's delete and put, the run).
          expect(failAt).toBe(4);
          break;
        }
        expect(outcome).toBe('crashed here');
        expect((await tabA.loadRun('r1'))?.generation).toBe(0);
        await tabA.commit({ fences: fence(0), steps: [completed(aStep('r1', 'a', 0), 'still mine')] });
        await tabB.commit(takeover);
        await expect(tabA.commit({ fences: fence(0), steps: [aStep('r1', 'b', 1)] })).rejects.toEqual(
          new FencedError('r1'),
        );
        expect((await tabB.loadSteps('r1')).map((step) => step.output)).toEqual(['still mine']);
      }
    },
  );
});

/** The `failAt`-th request on database `dbName` (get, put or delete) throws, as a request the browser refuses. */
function crashAtRequest(dbName: string, failAt: number) {
  const undo: Array<() => void> = [];
  let seen = 0;
  for (const op of ['get', 'put', 'delete'] as const) {
    const proto = IDBObjectStore.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
    const original = proto[op]!;
    proto[op] = function (this: IDBObjectStore, ...args: unknown[]) {
      if (this.transaction.db.name === dbName && seen++ === failAt) throw new Error('crashed here');
      return original.apply(this, args);
    };
    undo.push(() => (proto[op] = original));
  }
  return { restore: () => undo.splice(0).forEach((restore) => restore()) };
}
