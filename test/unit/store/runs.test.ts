import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { TabflowDb } from '../../../src/store/db';
import { deleteFinishedRun } from '../../../src/store/runs';
import { aRun, aStep } from './fixtures';

const dbs: TabflowDb[] = [];
afterEach(async () => {
  await Promise.all(dbs.splice(0).map((db) => Dexie.delete(db.name)));
});

async function seeded(): Promise<TabflowDb> {
  const db = new TabflowDb(`runs-${crypto.randomUUID()}`);
  dbs.push(db);
  await db.runs.bulkPut([
    aRun('old', { status: 'completed' }),
    aRun('child', { status: 'completed', parentRunId: 'old', depth: 1 }),
    aRun('other', { status: 'failed' }),
    aRun('live', { status: 'running' }),
  ]);
  await db.steps.bulkPut([
    aStep('old', 'a', 0),
    aStep('old', 'b', 1),
    aStep('child', 'c', 0),
    aStep('other', 'a', 0),
    aStep('live', 'a', 0),
  ]);
  await db.events.bulkPut([
    { id: 'e1', runId: 'old', name: 'go', payload: 1, sentAt: 1 },
    { id: 'e2', runId: 'other', name: 'go', payload: 1, sentAt: 1 },
  ]);
  await db.messages.bulkPut([
    { id: 'm1', threadId: 't1', seq: 0, runId: 'old', message: { role: 'user', content: 'hi' }, createdAt: 1 },
    { id: 'm2', threadId: 't2', seq: 0, runId: 'other', message: { role: 'user', content: 'hi' }, createdAt: 1 },
  ]);
  await db.threads.bulkPut([{ id: 'old:thread' }, { id: 'child:thread:notes' }, { id: 'other:thread' }]);
  return db;
}

describe('deleting a run', () => {
  it(
    'removes a finished run with its steps, events, thread messages and subworkflow runs, ' +
      'and nothing of any other run',
    async () => {
      const db = await seeded();
      expect(await deleteFinishedRun(db, 'old')).toEqual({ runs: 2, steps: 3 });
      expect((await db.runs.toArray()).map((r) => r.id).sort()).toEqual(['live', 'other']);
      expect((await db.steps.toArray()).map((s) => s.runId).sort()).toEqual(['live', 'other']);
      expect((await db.events.toArray()).map((e) => e.id)).toEqual(['e2']);
      expect((await db.messages.toArray()).map((m) => m.id)).toEqual(['m2']);
      expect((await db.threads.toArray()).map((t) => t.id)).toEqual(['other:thread']);
    },
  );

  it('refuses a run that has not finished, and changes nothing', async () => {
    const db = await seeded();
    await expect(deleteFinishedRun(db, 'live')).rejects.toThrow(
      'only a finished run can be deleted; this one is running',
    );
    expect(await db.runs.count()).toBe(4);
    expect(await db.steps.count()).toBe(5);
  });

  it('refuses when a subworkflow run is still going, and changes nothing (one transaction)', async () => {
    const db = await seeded();
    await db.runs.put(aRun('child', { status: 'waiting', parentRunId: 'old', depth: 1 }));
    await expect(deleteFinishedRun(db, 'old')).rejects.toThrow('a subworkflow run of this run is still waiting');
    expect(await db.runs.get('old')).toBeDefined();
    expect(await db.steps.count()).toBe(5);
  });

  it('refuses a subworkflow run whose parent is still going: the parent reads its result', async () => {
    const db = await seeded();
    await db.runs.put(aRun('old', { status: 'waiting' }));
    await expect(deleteFinishedRun(db, 'child')).rejects.toThrow(
      'this is a subworkflow run of a run that is still waiting',
    );
    expect(await db.runs.get('child')).toBeDefined();
    expect(await db.steps.count()).toBe(5);
  });

  it('says so when the run is already gone', async () => {
    const db = await seeded();
    await expect(deleteFinishedRun(db, 'nope')).rejects.toThrow('that run no longer exists');
  });
});
