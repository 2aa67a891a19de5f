import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { TabflowDb } from '../../../src/store/db';
import { approximateBytes, measureStorage } from '../../../src/store/storageUsage';
import { CHUNK_RECORDS } from '../../../src/store/tableChunks';
import { aRun, aStep, completed } from './fixtures';

const dbs: TabflowDb[] = [];
afterEach(async () => {
  await Promise.all(dbs.splice(0).map((db) => Dexie.delete(db.name)));
});

describe('what takes the space', () => {
  it('counts every record of every table a chunk at a time; journals and child runs count for their run', async () => {
    const db = new TabflowDb(`usage-${crypto.randomUUID()}`);
    dbs.push(db);
    const big = 'x'.repeat(5_000);
    await db.runs.bulkPut([
      aRun('heavy', { status: 'completed', workflowName: 'heavy one' }),
      aRun('heavy-child', { status: 'completed', parentRunId: 'heavy', depth: 1 }),
      aRun('light', { status: 'running' }),
    ]);
    const steps = Array.from({ length: CHUNK_RECORDS * 2 + 7 }, (_, i) => completed(aStep('heavy', `s${i}`, i), i));
    await db.steps.bulkPut([...steps, completed(aStep('heavy-child', 'c', 0), big), aStep('light', 'a', 0)]);
    await db.tableRows.put({ table: 'customers', id: 'c1', row: { id: 'c1', note: big } });

    const usage = await measureStorage(db);
    const of = (name: string) => usage.tables.find((t) => t.table === name)!;
    expect(of('steps').records).toBe(steps.length + 2);
    expect(of('steps').bytes).toBe((await db.steps.toArray()).reduce((sum, s) => sum + approximateBytes(s), 0));
    expect(of('tableRows')).toMatchObject({ group: 'tables', records: 1 });
    expect(usage.groups.tables).toBeGreaterThan(5_000);
    expect(usage.groups.runs).toBe(of('runs').bytes + of('steps').bytes);
    expect(usage.runs.map((r) => r.runId)).toEqual(['heavy', 'light']); // the child counts towards its parent
    expect(usage.runs[0]).toMatchObject({ workflowName: 'heavy one', finished: true });
    expect(usage.runs[0]!.bytes).toBeGreaterThan(of('steps').bytes - 1_000);
  });
});
