import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { exportBackup, type RestoreMode } from '../../../src/store/backup';
import { getBatch } from '../../../src/store/batches';
import { storageCommands } from '../../../src/worker/storageCommands';
import { testTabs, threeStepWorkflow, until, wordsSpec } from '../../support/batchTab';

const tabs = testTabs('restore');
afterEach(() => tabs.closeAll());

const spec = wordsSpec();

/** A backup of a batch caught running: two of its five cells mid-flight (their http step never answers). */
async function backupOfRunningBatch(): Promise<{ backup: Blob; batchId: string }> {
  const tab = tabs.open({ gate: () => new Promise<never>(() => undefined) });
  await tab.saveWorkflow('wf', threeStepWorkflow());
  const words = ['ada', 'grace', 'alan', 'edsger', 'barbara'];
  const batchId = await tab.scheduler.startExperiment(
    spec,
    words.map((word) => ({ word })),
    { concurrency: 2 },
  );
  await until(async () => (await getBatch(tab.db, batchId))?.counts.running === 2);
  const backup = await exportBackup(tab.db);
  tab.close();
  return { backup, batchId };
}

describe('restoring a backup of a running batch', () => {
  it.each<RestoreMode>(['replace', 'merge'])(
    'in %s mode, the batch goes on at once, without a reload',
    async (mode) => {
      const { backup, batchId } = await backupOfRunningBatch();
      const tab = tabs.open();
      await tab.saveWorkflow('wf', threeStepWorkflow());
      await storageCommands(tab.engine, tab.db, Date.now, tab.scheduler).restoreBackup(backup, mode);
      await tab.untilFinished(batchId);
      expect((await getBatch(tab.db, batchId))!).toMatchObject({
        status: 'completed',
        counts: { completed: 5, running: 0, queued: 0, failed: 0 },
      });
    },
  );
});
