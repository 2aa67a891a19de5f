import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../../src/engine/clock';
import { Engine } from '../../../src/engine/engine';
import type { RunRecord } from '../../../src/engine/records';
import { exportBackup } from '../../../src/store/backup';
import { TabflowDb } from '../../../src/store/db';
import { DexieEngineStore } from '../../../src/store/engineStore';
import { writeSetting } from '../../../src/store/settings';
import { RETENTION_DELAY_MS, retentionScheduler, storageCommands } from '../../../src/worker/storageCommands';
import { aRun } from '../store/fixtures';
import { chain, set } from '../../support/flows';

const workflow = chain('Approve then finish', [
  { stepSlug: 'ask', name: 'Ask', stepType: 'approval', config: { prompt: 'Go on?' }, nextSteps: { approved: 'done' } },
  set('done', { finished: '{{input.value}}' }),
]);

const dbs: TabflowDb[] = [];
const engines: Engine[] = [];
afterEach(async () => {
  engines.splice(0).forEach((engine) => engine.shutdown());
  await Promise.all(dbs.splice(0).map((db) => Dexie.delete(db.name)));
});

function executor() {
  const db = new TabflowDb(`commands-${crypto.randomUUID()}`);
  dbs.push(db);
  const store = new DexieEngineStore(db);
  const engine = new Engine({ store, clock: new FakeClock(), runners: {}, maxParallelism: 4 });
  engines.push(engine);
  return { db, store, engine, commands: storageCommands(engine, db) };
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting until ${what}`);
}

const waitingForApproval = (db: TabflowDb, runId: string) => async () =>
  (await db.runs.get(runId))?.waits?.some((w) => w.kind === 'approval') === true;

/** A backup file of a run waiting for its approval, made in another browser. */
async function backupOfWaitingRun(): Promise<{ backup: Blob; text: string; runId: string }> {
  const { db, engine } = executor();
  const runId = await engine.start({ workflow, input: { value: 'box-7' } });
  await until(waitingForApproval(db, runId), 'the run waits for its approval');
  engine.shutdown();
  const backup = await exportBackup(db);
  return { backup, text: await backup.text(), runId };
}

describe('restoring a backup in the executing tab', () => {
  it('a restored run that was mid-flight is resumed at once, without a reload, and finishes', async () => {
    const { backup, runId } = await backupOfWaitingRun();
    const { db, engine, commands } = executor();
    const preview = await commands.previewBackup(backup, 'merge');
    expect(preview.ok && preview.preview.unfinishedRuns).toEqual([runId]);
    expect(await db.runs.count()).toBe(0); // a preview writes nothing
    const result = await commands.restoreBackup(backup, 'merge');
    expect(result.unfinishedRuns).toEqual([runId]);
    await until(async () => engine.isDriving(runId), 'the restored run is driven here');
    await until(waitingForApproval(db, runId), 'the restored run waits for its approval again');
    await engine.approve(runId, `${runId}:ask@`, true);
    const done: RunRecord = await engine.awaitRun(runId);
    expect(done).toMatchObject({ status: 'completed', output: { finished: 'box-7' } });
  });

  it('a replace stops the runs it removes: none of them writes into the restored data', async () => {
    const { backup, runId } = await backupOfWaitingRun();
    const { db, engine, commands } = executor();
    const local = await engine.start({ workflow, input: { value: 'local' } });
    await until(waitingForApproval(db, local), 'the local run waits');
    await commands.restoreBackup(backup, 'replace');
    expect(engine.isDriving(local)).toBe(false);
    expect(await db.runs.get(local)).toBeUndefined();
    await until(async () => engine.isDriving(runId), 'the restored run is driven here');
    await engine.approve(runId, `${runId}:ask@`, true);
    expect((await engine.awaitRun(runId)).status).toBe('completed');
    expect(await db.runs.get(local)).toBeUndefined();
    expect(await db.steps.where('runId').equals(local).count()).toBe(0);
  });

  it('a backup that does not pass the checks is refused here too, and nothing is written', async () => {
    const { text } = await backupOfWaitingRun();
    const { db, commands } = executor();
    const parsed = JSON.parse(text) as { tables: Record<string, unknown[]> };
    parsed.tables.runs = [{ id: 'x', status: 'exploded' }];
    const hostile = new Blob([JSON.stringify(parsed)]);
    const preview = await commands.previewBackup(hostile, 'merge');
    expect(!preview.ok && preview.message).toMatch(/^table "runs", record 0/);
    await expect(commands.restoreBackup(hostile, 'replace')).rejects.toThrow(
      /^the backup cannot be restored: table "runs", record 0/,
    );
    expect(await db.runs.count()).toBe(0);
    expect(await db.workflows.count()).toBe(0);
  });
});

describe('retention in the executing tab', () => {
  it('runs once after a burst of run changes, and deletes what the stored policy lets go', async () => {
    const { db } = executor();
    const day = 24 * 60 * 60 * 1000;
    await db.runs.bulkPut([
      { ...aRun('new', { status: 'completed', workflowId: 'w' }), createdAt: 10 * day },
      { ...aRun('old', { status: 'completed', workflowId: 'w' }), createdAt: day },
    ]);
    await writeSetting(db, 'retention', { keepLastRuns: 1 });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const retention = retentionScheduler(db, () => 10 * day);
      retention.soon();
      retention.soon();
      expect(await db.runs.count()).toBe(2); // not before the burst is over
      await vi.advanceTimersByTimeAsync(RETENTION_DELAY_MS);
    } finally {
      vi.useRealTimers();
    }
    await until(async () => (await db.runs.count()) === 1, 'the old run is deleted');
    expect((await db.runs.toArray()).map((r) => r.id)).toEqual(['new']);
  });
});
