import type { ExperimentCommands } from './experimentApi';
import type { BatchScheduler } from './scheduler';

/** The experiment commands of the executing tab, over its scheduler. */
export function experimentCommands(batches: BatchScheduler): ExperimentCommands {
  return {
    startExperiment: (spec, rows, options) => batches.startExperiment(spec, rows, options),
    pauseExperiment: (batchId) => batches.pauseExperiment(batchId),
    resumeExperiment: (batchId) => batches.resumeExperiment(batchId),
    cancelExperiment: (batchId) => batches.cancelExperiment(batchId),
    retryFailedCells: (batchId) => batches.retryFailedCells(batchId),
  };
}
