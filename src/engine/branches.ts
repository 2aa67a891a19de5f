import type { ScopeOutcome } from './frame';

/**
 * A host that runs a container's multi-step branch or loop iteration apart (DBOS: a child workflow, since
 * interleaved branches in one workflow would not replay in the same order). `work` interprets the branch here,
 * in the caller's context; the host may run it, run it in another context, or answer with an outcome it recorded.
 */
export interface BranchRunner {
  /** Bodies of one step are asked too (else they run here, their one operation issued in order). */
  readonly everyBody?: boolean;
  /** The body (its step slugs) at frame `path` of run `runId` (`branchPath` / `iterationPath`): its outcome. */
  runBranch(
    runId: string,
    path: string,
    slugs: readonly string[],
    work: () => Promise<ScopeOutcome>,
  ): Promise<ScopeOutcome>;
}
