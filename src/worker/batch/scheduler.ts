import type { Engine } from '../../engine/engine';
import { InputError } from '../../engine/input';
import type { RunRecord } from '../../engine/records';
import { errorMessage } from '../../schema/errorMessage';
import type { WorkflowFile } from '../../schema/workflow';
import {
  attemptRunId,
  cellsWithStatus,
  editBatch,
  getBatch,
  getBatchRow,
  insertBatch,
  listBatches,
  type BatchCellRecord,
  type BatchRecord,
} from '../../store/batches';
import type { TabflowDb } from '../../store/db';
import { listVersions } from '../../store/versions';
import { getWorkflow } from '../../store/workflows';
import { cellOutcome, type CellOutcome } from './cellOutcome';
import type { ExperimentCommands } from './experimentApi';
import { cellInput, parseSpec, prepareBatch, type ExperimentWorkflow } from './prepare';

/**
 * Runs experiments' cells over the engine, at most `batch.concurrency` of a batch at once (the engine's cap on steps
 * in flight and the providers' request limits hold across them, as across any runs). A cell goes queued → running
 * (its run id stored with it, in one transaction) → its run starts under that id → bookkeeping. A reload at any
 * point finds the cell running: its run is started again under the same id, which finds the stored run (the engine
 * never runs it twice), and its bookkeeping is done once, by the transaction that checks the cell still runs it.
 */
export class BatchScheduler implements ExperimentCommands {
  /** Cells seen through here, by batch: from their claim to their bookkeeping. */
  private readonly inHand = new Map<string, Set<string>>();
  private readonly pumping = new Set<string>();
  private readonly pumpAgain = new Set<string>();
  private readonly working = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly engine: Engine,
    private readonly db: TabflowDb,
    private readonly now: () => number = () => Date.now(),
    private readonly newId: () => string = () => crypto.randomUUID(),
  ) {}

  async startExperiment(...[specInput, rows, options = {}]: Parameters<ExperimentCommands['startExperiment']>) {
    const spec = parseSpec(specInput);
    const workflow = await this.experimentWorkflow(
      spec.workflowId,
      spec.variants.some((v) => v.versionSeq),
    );
    const prepared = prepareBatch(spec, rows, options, workflow, { batchId: this.newId(), now: this.now() });
    await insertBatch(this.db, prepared.batch, prepared.rows, prepared.cells);
    this.pump(prepared.batch.id);
    return prepared.batch.id;
  }

  private async experimentWorkflow(workflowId: string, withVersions: boolean): Promise<ExperimentWorkflow> {
    const record = await getWorkflow(this.db, workflowId);
    if (!record || record.deletedAt !== undefined) throw new InputError('that workflow no longer exists');
    const versions = new Map<number, WorkflowFile>();
    if (withVersions)
      for (const version of await listVersions(this.db, workflowId)) versions.set(version.seq, version.doc);
    return { doc: record.doc, versions };
  }

  async pauseExperiment(batchId: string): Promise<void> {
    await this.edit(batchId, [], (batch) => (batch.status === 'running' ? { batch: { status: 'paused' } } : undefined));
  }

  async resumeExperiment(batchId: string): Promise<void> {
    await this.edit(batchId, [], (batch) => (batch.status === 'paused' ? { batch: { status: 'running' } } : undefined));
    this.pump(batchId);
  }

  async cancelExperiment(batchId: string): Promise<void> {
    const now = this.now();
    await editBatch(
      this.db,
      batchId,
      { statuses: ['queued'] },
      (batch, queued) =>
        batch.status === 'completed' || batch.status === 'cancelled'
          ? undefined
          : {
              batch: { status: 'cancelled', finishedAt: now },
              cells: queued.map((cell) => ({ ...cell, status: 'cancelled', finishedAt: now })),
            },
      now,
    );
    // A cell claimed but not started yet is cancelled by `runCell` once its start returns.
    for (const cell of await cellsWithStatus(this.db, batchId, 'running'))
      if (cell.runId) await this.engine.cancel(cell.runId).catch(() => undefined);
  }

  async retryFailedCells(batchId: string): Promise<number> {
    let count = 0;
    await editBatch(
      this.db,
      batchId,
      { statuses: ['failed'] },
      (batch, failed) => {
        count = failed.length;
        if (count === 0) return undefined;
        return {
          batch: { status: batch.status === 'paused' ? 'paused' : 'running' },
          cells: failed.map((cell) => retried(cell)),
        };
      },
      this.now(),
    );
    this.pump(batchId);
    return count;
  }

  /** At the executor's start: every batch that was running goes on, and every cell that was running is seen through. */
  async resumeAll(): Promise<void> {
    for (const batch of await listBatches(this.db)) {
      if (batch.counts.running === 0 && batch.status !== 'running') continue;
      for (const cell of await cellsWithStatus(this.db, batch.id, 'running')) this.take(batch, cell);
      this.pump(batch.id);
    }
  }

  /** The tab is going away: nothing more is started or recorded here (the next executor resumes). */
  stop(): void {
    this.stopped = true;
  }

  /** Resolves once no cell is being seen through here (tests, the bench). */
  async idle(): Promise<void> {
    while (this.working.size > 0) await Promise.race(this.working);
  }

  private async edit(batchId: string, keys: string[], edit: Parameters<typeof editBatch>[3]) {
    return editBatch(this.db, batchId, { keys }, edit, this.now());
  }

  private cellsInHand(batchId: string): Set<string> {
    let cells = this.inHand.get(batchId);
    if (!cells) this.inHand.set(batchId, (cells = new Set()));
    return cells;
  }

  /** Starts queued cells up to the batch's concurrency; asked again while it works, it goes round once more. */
  private pump(batchId: string): void {
    if (this.stopped) return;
    if (this.pumping.has(batchId)) {
      this.pumpAgain.add(batchId);
      return;
    }
    this.pumping.add(batchId);
    const pumping = this.fill(batchId)
      .catch((error: unknown) =>
        console.error('Tabflow: an experiment could not start its cells:', errorMessage(error)),
      )
      .finally(() => this.pumping.delete(batchId));
    this.track(pumping);
  }

  private async fill(batchId: string): Promise<void> {
    do {
      this.pumpAgain.delete(batchId);
      const batch = await getBatch(this.db, batchId);
      if (this.stopped || !batch || batch.status !== 'running') return;
      const free = batch.concurrency - this.cellsInHand(batchId).size;
      if (free <= 0) continue;
      const queued = await cellsWithStatus(this.db, batchId, 'queued', free);
      const now = this.now();
      let claimed: BatchCellRecord[] = [];
      const stored = await this.edit(
        batchId,
        queued.map((cell) => cell.key),
        (current, cells) => {
          if (current.status !== 'running') return undefined;
          claimed = cells
            .filter((cell) => cell.status === 'queued')
            .map((cell) => ({
              ...cell,
              status: 'running',
              runId: attemptRunId(cell.key, cell.attempt),
              startedAt: now,
            }));
          return claimed.length > 0 ? { cells: claimed } : undefined;
        },
      );
      if (!stored || this.stopped) return;
      for (const cell of claimed) this.take(stored, cell);
    } while (this.pumpAgain.has(batchId));
  }

  private take(batch: BatchRecord, cell: BatchCellRecord): void {
    const inHand = this.cellsInHand(batch.id);
    if (inHand.has(cell.key)) return;
    inHand.add(cell.key);
    const work = this.runCell(batch, cell)
      .catch((error: unknown) => {
        if (!this.stopped) console.error(`Tabflow: cell ${cell.key} could not be recorded:`, errorMessage(error));
      })
      .finally(() => {
        inHand.delete(cell.key);
        this.pump(batch.id);
      });
    this.track(work);
  }

  private track(work: Promise<void>): void {
    this.working.add(work);
    void work.finally(() => this.working.delete(work));
  }

  /** Starts (or finds) the cell's run, waits for it, evaluates it and records the outcome once. */
  private async runCell(batch: BatchRecord, cell: BatchCellRecord): Promise<void> {
    const runId = cell.runId!;
    const row = (await getBatchRow(this.db, batch.id, cell.rowIndex)) ?? {};
    let run: RunRecord;
    try {
      await this.engine.start({
        workflow: batch.variantWorkflows[cell.variantIndex]!,
        workflowId: batch.workflowId,
        input: cellInput(batch.spec.mapping, row),
        runId,
        batchId: batch.id,
      });
      if ((await getBatch(this.db, batch.id))?.status === 'cancelled') await this.engine.cancel(runId);
      run = await this.engine.awaitRun(runId);
    } catch (error) {
      if (this.stopped) return;
      await this.finish(batch.id, cell, { status: 'failed', error: errorMessage(error) });
      return;
    }
    if (this.stopped) return;
    const work = { engine: this.engine, evaluators: batch.spec.evaluators, row, batchId: batch.id, now: this.now };
    const outcome = await cellOutcome(work, run);
    if (!this.stopped) await this.finish(batch.id, cell, outcome);
  }

  /** Records the outcome, only while the cell is still running this attempt (a second bookkeeping writes nothing). */
  private async finish(batchId: string, cell: BatchCellRecord, outcome: CellOutcome): Promise<void> {
    const finishedAt = this.now();
    await this.edit(batchId, [cell.key], (_batch, [current]) =>
      current?.status === 'running' && current.runId === cell.runId
        ? { cells: [{ ...current, ...outcome, finishedAt }] }
        : undefined,
    );
  }
}

/** A failed cell queued again as its next attempt, its results cleared. */
function retried(cell: BatchCellRecord): BatchCellRecord {
  const { key, batchId, rowIndex, variantIndex, variantId, attempt } = cell;
  return { key, batchId, rowIndex, variantIndex, variantId, status: 'queued', attempt: attempt + 1 };
}
