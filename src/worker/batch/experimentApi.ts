import type { ExperimentRow, ExperimentSpecInput } from '../../schema/experiment';

export type { ExperimentSpecInput };

export interface ExperimentStartOptions {
  /** Cells started at once (default `DEFAULT_BATCH_CONCURRENCY`, at most `MAX_BATCH_CONCURRENCY`). */
  concurrency?: number;
  /** The rows' values came as text (CSV, a pasted list): the row check converts them lightly, as the preview did. */
  fromText?: boolean;
}

/** Experiments: the executor's commands over batches (`src/worker/batch/`). Records: `src/store/batches.ts`. */
export interface ExperimentCommands {
  /**
   * Checks the spec and the rows again (they are untrusted), then stores the batch, its rows and every cell in one
   * transaction and resolves with the batch id; the cells run after. A problem rejects with an `InputError` naming
   * the spec's field, or the row and column, and nothing is stored.
   */
  startExperiment(spec: ExperimentSpecInput, rows: ExperimentRow[], options?: ExperimentStartOptions): Promise<string>;
  /** No new cell starts; the cells running finish. */
  pauseExperiment(batchId: string): Promise<void>;
  resumeExperiment(batchId: string): Promise<void>;
  /** Queued cells are cancelled and the running cells' runs too. */
  cancelExperiment(batchId: string): Promise<void>;
  /** Queues every failed cell again as a new attempt (a fresh run id); resolves with how many. */
  retryFailedCells(batchId: string): Promise<number>;
}
