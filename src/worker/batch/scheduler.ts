import type { Engine } from '../../engine/engine';
import { InputError } from '../../engine/input';
import { errorMessage } from '../../schema/errorMessage';
import type { WorkflowFile } from '../../schema/workflow';
import {
  attemptRunId,
  cellRange,
  cellsWithStatus,
  editBatch,
  getBatch,
  getRowChunk,
  insertBatch,
  listBatches,
  unstartedCell,
  type BatchCellRecord,
  type BatchRecord,
  type BatchRowChunk,
  type CellSelection,
} from '../../store/batches';
import type { ExperimentRow } from '../../schema/experiment';
import { collectScopes } from '../../schema/walk';
import type { TabflowDb } from '../../store/db';
import { listVersions } from '../../store/versions';
import { getWorkflow } from '../../store/workflows';
import { cellOutcome, type CellOutcome } from './cellOutcome';
import { GroupCommit } from './groupCommit';
import { WaitingCells } from './waitingCells';
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
  /** Each batch's bookkeeping: one transaction at a time, with every cell that finished meanwhile. */
  private readonly bookkeeping = new GroupCommit<FinishedCell>((batchId, finished) =>
    this.settleAndClaim(batchId, finished),
  );
  private readonly working = new Set<Promise<void>>();
  /** Batches cancelled here: a cell whose start was under way when it happened is cancelled once started. */
  private readonly cancelled = new Set<string>();
  /** The last chunk of rows read, by batch: cells start in row order, so most starts read no row. */
  private readonly rowChunks = new Map<string, BatchRowChunk>();
  /** Batches whose bookkeeping or claim failed here (a full disk…): seen through again when storage frees up. */
  private readonly stalled = new Set<string>();
  private storageFullCount = 0;
  private stopped = false;
  private readonly waiting: WaitingCells;

  constructor(
    private readonly engine: Engine,
    private readonly db: TabflowDb,
    private readonly now: () => number = () => Date.now(),
    private readonly newId: () => string = () => crypto.randomUUID(),
  ) {
    this.waiting = new WaitingCells(db, engine.deps.store, now);
    engine.watchStorage((runs) => {
      // Fewer runs stopped by a full disk: space was freed (a run was resumed), so the stalled writes may fit now.
      if (runs.length < this.storageFullCount) this.retryStalled();
      this.storageFullCount = runs.length;
    });
  }

  /** Told of every change of a run (the engine's `onChange`): a cell's run that waits shows its cell waiting. */
  runChanged(runId: string): void {
    if (!this.stopped) this.waiting.runChanged(runId);
  }

  async startExperiment(...[specInput, rows, options = {}]: Parameters<ExperimentCommands['startExperiment']>) {
    const spec = parseSpec(specInput);
    const workflow = await this.experimentWorkflow(
      spec.workflowId,
      spec.variants.some((v) => v.versionSeq),
    );
    const prepared = prepareBatch(spec, rows, options, workflow, { batchId: this.newId(), now: this.now() });
    await insertBatch(this.db, prepared.batch, prepared.rows);
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
    await this.edit(batchId, { keys: [] }, (batch) =>
      batch.status === 'running' ? { batch: { status: 'paused' } } : undefined,
    );
  }

  /** Goes on with a paused batch; on a running one, sees through again the cells whose bookkeeping failed here. */
  async resumeExperiment(batchId: string): Promise<void> {
    await this.edit(batchId, { keys: [] }, (batch) =>
      batch.status === 'paused' ? { batch: { status: 'running' } } : undefined,
    );
    const batch = await getBatch(this.db, batchId);
    if (batch) await this.seeThrough(batch);
  }

  async cancelExperiment(batchId: string): Promise<void> {
    const now = this.now();
    this.cancelled.add(batchId);
    await editBatch(
      this.db,
      batchId,
      { statuses: ['queued'] },
      (batch, queued) =>
        batch.status === 'completed' || batch.status === 'cancelled'
          ? undefined
          : {
              batch: { status: 'cancelled', finishedAt: now, cellLimit: cellRange(batch).created },
              cells: queued.map((cell) => ({ ...cell, status: 'cancelled', finishedAt: now })),
            },
      now,
    );
    // A cell claimed but not started yet is cancelled by `runCell` once its start returns.
    for (const cell of await this.cellsStarted(batchId))
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
      if (batch.counts.running + batch.counts.waiting === 0 && batch.status !== 'running') continue;
      await this.seeThrough(batch);
    }
  }

  /** Every started cell not in hand here is seen through (its run found by id), then free places are claimed. */
  private async seeThrough(batch: BatchRecord): Promise<void> {
    this.stalled.delete(batch.id);
    for (const cell of await this.cellsStarted(batch.id)) this.take(batch, cell);
    this.pump(batch.id);
  }

  private retryStalled(): void {
    for (const batchId of [...this.stalled]) {
      const retry = getBatch(this.db, batchId).then((batch) => (batch ? this.seeThrough(batch) : undefined));
      this.track(retry.catch((error: unknown) => this.stall(batchId, 'could not go on', error)));
    }
  }

  /** A write of the batch failed: said in the console, and tried again once storage frees up or on Resume. */
  private stall(batchId: string, what: string, error: unknown): void {
    if (this.stopped) return;
    this.stalled.add(batchId);
    console.error(`Tabflow: an experiment ${what}:`, errorMessage(error));
  }

  /** The tab is going away: nothing more is started or recorded here (the next executor resumes). */
  stop(): void {
    this.stopped = true;
  }

  /** Resolves once no cell is being seen through here (tests, the bench). */
  async idle(): Promise<void> {
    while (this.working.size > 0) await Promise.race(this.working);
  }

  private async edit(batchId: string, selection: CellSelection, edit: Parameters<typeof editBatch>[3]) {
    return editBatch(this.db, batchId, selection, edit, this.now());
  }

  /** The cells whose runs started and have not finished: running, or waiting. */
  private async cellsStarted(batchId: string): Promise<BatchCellRecord[]> {
    const [running, waiting] = await Promise.all([
      cellsWithStatus(this.db, batchId, 'running'),
      cellsWithStatus(this.db, batchId, 'waiting'),
    ]);
    return [...running, ...waiting];
  }

  private cellsInHand(batchId: string): Set<string> {
    let cells = this.inHand.get(batchId);
    if (!cells) this.inHand.set(batchId, (cells = new Set()));
    return cells;
  }

  /** Starts queued cells up to the batch's concurrency (with the next bookkeeping transaction of the batch). */
  private pump(batchId: string): void {
    if (this.stopped) return;
    const claiming = this.bookkeeping
      .add(batchId)
      .catch((error: unknown) => this.stall(batchId, 'could not start its cells', error));
    this.track(claiming);
  }

  /**
   * One transaction: records the cells that finished (while each still runs that attempt) and claims queued cells
   * into the free places (retried ones first, then cells without a record, in row order). The claimed cells start
   * once it has committed.
   */
  private async settleAndClaim(batchId: string, finished: FinishedCell[]): Promise<void> {
    if (this.stopped) return;
    const now = this.now();
    let claimed: BatchCellRecord[] = [];
    const keys = finished.map((done) => done.cell.key);
    const stored = await this.edit(batchId, { keys, queued: MAX_CLAIM }, (current, cells) => {
      const settled = finished.flatMap((done) => settledCell(cells, done, now) ?? []);
      const places = Math.min(MAX_CLAIM, current.concurrency - this.cellsInHand(batchId).size + finished.length);
      claimed = current.status === 'running' ? claimCells(current, cells, places, now) : [];
      if (settled.length + claimed.length === 0) return undefined;
      const created = claimed.filter((cell) => !cells.some((c) => c.key === cell.key)).length;
      return { cells: [...settled, ...claimed], batch: { cellsCreated: cellRange(current).created + created } };
    });
    const inHand = this.cellsInHand(batchId);
    for (const done of finished) inHand.delete(done.cell.key);
    if (!stored || this.stopped) return;
    for (const cell of claimed) this.take(stored, cell);
  }

  private take(batch: BatchRecord, cell: BatchCellRecord): void {
    const inHand = this.cellsInHand(batch.id);
    if (inHand.has(cell.key)) return;
    inHand.add(cell.key);
    const work = this.runCell(batch, cell).catch((error: unknown) => {
      this.stall(batch.id, `could not record its cell ${cell.key}`, error);
      inHand.delete(cell.key);
      this.pump(batch.id);
    });
    this.track(work);
  }

  private track(work: Promise<void>): void {
    this.working.add(work);
    void work.finally(() => this.working.delete(work));
  }

  private async rowOf(batchId: string, rowIndex: number): Promise<ExperimentRow> {
    let chunk = this.rowChunks.get(batchId);
    if (!chunk || rowIndex < chunk.rowIndex || rowIndex >= chunk.rowIndex + chunk.rows.length) {
      chunk = await getRowChunk(this.db, batchId, rowIndex);
      if (chunk) this.rowChunks.set(batchId, chunk);
    }
    return chunk?.rows[rowIndex - chunk.rowIndex] ?? {};
  }

  /** Starts (or finds) the cell's run, waits for it, evaluates it, records the outcome once and claims the next. */
  private async runCell(batch: BatchRecord, cell: BatchCellRecord): Promise<void> {
    const runId = cell.runId!;
    this.waiting.watch(runId, batch.id, cell.key);
    const row = await this.rowOf(batch.id, cell.rowIndex);
    let outcome: CellOutcome;
    try {
      await this.engine.start({
        workflow: batch.variantWorkflows[cell.variantIndex]!,
        workflowId: batch.workflowId,
        input: cellInput(batch.spec.mapping, row),
        runId,
        batchId: batch.id,
      });
      if (this.cancelled.has(batch.id) || batch.status === 'cancelled') await this.engine.cancel(runId);
      const run = await this.engine.awaitRun(runId);
      if (this.stopped) return;
      const work = {
        engine: this.engine,
        evaluators: batch.spec.evaluators,
        row,
        batchId: batch.id,
        now: this.now,
        countUsage: hasModelSteps(batch.variantWorkflows[cell.variantIndex]!),
      };
      outcome = await cellOutcome(work, run);
    } catch (error) {
      if (this.stopped) return;
      outcome = { status: 'failed', error: errorMessage(error) };
    }
    if (this.stopped) return;
    this.waiting.forget(runId);
    await this.bookkeeping.add(batch.id, { cell, outcome });
  }
}

/** Cells claimed by one transaction at most (a batch's own concurrency bounds it further). */
const MAX_CLAIM = 64;

interface FinishedCell {
  cell: BatchCellRecord;
  outcome: CellOutcome;
}

/** The finished cell's record, only while it is still running this attempt (a second bookkeeping writes nothing). */
function settledCell(cells: BatchCellRecord[], finished: FinishedCell, now: number): BatchCellRecord | undefined {
  const current = cells.find((cell) => cell.key === finished.cell.key);
  const started = current?.status === 'running' || current?.status === 'waiting';
  if (!started || current.runId !== finished.cell.runId) return undefined;
  return { ...current, ...finished.outcome, finishedAt: now };
}

/** Up to `places` queued cells, running: retried ones (with a record) first, then unstarted ones in row order. */
function claimCells(batch: BatchRecord, cells: BatchCellRecord[], places: number, now: number): BatchCellRecord[] {
  if (places <= 0) return [];
  const queued = cells.filter((cell) => cell.status === 'queued').slice(0, places);
  const { created, limit } = cellRange(batch);
  const fresh = Math.max(0, Math.min(places - queued.length, limit - created));
  for (let i = 0; i < fresh; i++) queued.push(unstartedCell(batch, created + i));
  return queued.map((cell) => ({
    ...cell,
    status: 'running',
    runId: attemptRunId(cell.key, cell.attempt),
    startedAt: now,
  }));
}

/** Whether any step of the workflow is an LLM or a subworkflow step (else a cell's runs have no tokens to read). */
const modelSteps = new WeakMap<object, boolean>();
const USAGE_STEP_TYPES: ReadonlySet<string> = new Set(['llm', 'subworkflow']);
function hasModelSteps(workflow: WorkflowFile): boolean {
  let known = modelSteps.get(workflow);
  if (known === undefined) {
    known = collectScopes(workflow.stepsConfig, []).some((scope) =>
      scope.sites.some((site) => USAGE_STEP_TYPES.has(site.stepType ?? '')),
    );
    modelSteps.set(workflow, known);
  }
  return known;
}

/** A failed cell queued again as its next attempt, its results cleared. */
function retried(cell: BatchCellRecord): BatchCellRecord {
  const { key, batchId, rowIndex, variantIndex, variantId, attempt } = cell;
  return { key, batchId, rowIndex, variantIndex, variantId, status: 'queued', attempt: attempt + 1 };
}
