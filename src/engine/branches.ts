import type { ScopeOutcome } from './frame';
import type { RunRecord } from './records';

/** A subworkflow step's child run, as the engine would create it (`Engine.ensureChildRun`). */
export interface ChildRunRequest {
  id: string;
  workflowName: string;
  input: unknown;
  parent: RunRecord;
  parentStepKey: string;
}

/**
 * A host that runs a container's multi-step branch or loop iteration apart (DBOS: a child workflow, since
 * interleaved branches in one workflow would not replay in the same order). `work` interprets the branch here,
 * in the caller's context; the host may run it, run it in another context, or answer with an outcome it recorded.
 */
export interface BranchRunner {
  /** Bodies of one step are asked too (else they run here, their one operation issued in order). */
  readonly everyBody?: boolean;
  /**
   * The body (its step slugs) at frame `path` of run `runId` (`branchPath` / `iterationPath`): its outcome. When
   * `signal` fires (a `join: any` race lost, a sibling failed, the run stopped) the host stops the branch.
   */
  runBranch(
    runId: string,
    path: string,
    slugs: readonly string[],
    work: () => Promise<ScopeOutcome>,
    signal: AbortSignal,
  ): Promise<ScopeOutcome>;
  /**
   * A subworkflow step's child run, run apart (DBOS: a child workflow): resolves with its finished record, the
   * records it made already in this engine's store. Absent: the child runs in this engine.
   */
  runChild?(child: ChildRunRequest, signal: AbortSignal): Promise<RunRecord>;
}
