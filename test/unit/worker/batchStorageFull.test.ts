import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cellRunId } from '../../../src/schema/experiment';
import { getBatch, readCellWindow } from '../../../src/store/batches';
import {
  testTabs,
  threeStepWorkflow,
  until,
  wordsSpec,
  type BatchTab,
  type BatchTabOptions,
} from '../../support/batchTab';

const tabs = testTabs('full');
afterEach(async () => {
  vi.restoreAllMocks();
  await tabs.closeAll();
});

/** A gate per word's http step: each waits until the test opens it (a step run again after that passes at once). */
class Gates {
  private readonly waiting = new Map<string, () => void>();
  private readonly opened = new Set<string>();
  readonly reached = new Set<string>();
  readonly gate = async (url: string): Promise<void> => {
    const word = url.split('/').pop()!;
    this.reached.add(word);
    if (!this.opened.has(word)) await new Promise<void>((resolve) => this.waiting.set(word, resolve));
  };
  open(word: string): void {
    this.opened.add(word);
    this.waiting.get(word)?.();
  }
}

async function startedBatch(words: string[], disk: NonNullable<BatchTabOptions['disk']>) {
  vi.spyOn(console, 'error').mockImplementation(() => undefined); // the refused writes are said in the console
  const gates = new Gates();
  const tab = tabs.open({ gate: gates.gate, disk });
  await tab.saveWorkflow('wf', threeStepWorkflow());
  const rows = words.map((word) => ({ word }));
  const batchId = await tab.scheduler.startExperiment(wordsSpec(), rows, { concurrency: words.length });
  await until(() => words.every((word) => gates.reached.has(word.toUpperCase())));
  return { tab, gates, batchId };
}

const cellStatuses = async (tab: BatchTab, batchId: string, rows: number) =>
  (await readCellWindow(tab.db, batchId, 0, rows)).map((cell) => cell.status);

describe('a cell whose bookkeeping a full disk refused', () => {
  it('is recorded once the user resumes a run the full disk stopped (space was freed), without a reload', async () => {
    const disk = { runsFull: false, batchesFull: false, refusedBatchWrites: 0 };
    const { tab, gates, batchId } = await startedBatch(['ada', 'grace'], disk);
    // The disk fills: grace's run stops on its next step…
    disk.runsFull = true;
    gates.open('GRACE');
    const graceRun = cellRunId(batchId, 1, 0);
    await until(() => tab.engine.storageFullRuns().some((run) => run.runId === graceRun));
    // …and ada's run gets its last steps in, but not its cell's record.
    disk.runsFull = false;
    disk.batchesFull = true;
    gates.open('ADA');
    await until(() => disk.refusedBatchWrites > 0);
    await until(async () => (await tab.store.loadRun(cellRunId(batchId, 0, 0)))?.status === 'completed');
    await new Promise((resolve) => setTimeout(resolve, 50));
    disk.batchesFull = false;
    expect(await cellStatuses(tab, batchId, 2)).toEqual(['running', 'running']);
    // Space freed; the user resumes grace's run from the storage-full banner.
    await tab.engine.resume(graceRun);
    await tab.untilFinished(batchId, 3_000);
    expect(await cellStatuses(tab, batchId, 2)).toEqual(['completed', 'completed']);
    expect((await getBatch(tab.db, batchId))!.counts).toMatchObject({ completed: 2, running: 0 });
  });

  it('is recorded on Resume of the (still running) experiment, without a reload', async () => {
    const disk = { batchesFull: false, refusedBatchWrites: 0 };
    const { tab, gates, batchId } = await startedBatch(['ada'], disk);
    disk.batchesFull = true;
    gates.open('ADA');
    await until(() => disk.refusedBatchWrites > 0);
    await tab.scheduler.idle();
    disk.batchesFull = false;
    expect(await cellStatuses(tab, batchId, 1)).toEqual(['running']);
    await tab.scheduler.resumeExperiment(batchId);
    await tab.untilFinished(batchId, 3_000);
    expect(await cellStatuses(tab, batchId, 1)).toEqual(['completed']);
  });
});
