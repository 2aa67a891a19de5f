import { DBOS, Error as DBOSErrors } from '@dbos-inc/dbos-sdk';
import { AsyncResource } from 'node:async_hooks';
import type { BranchRunner, ChildRunRequest } from '../engine/branches';
import type { ScopeOutcome } from '../engine/frame';
import { InputError } from '../engine/input';
import type { RunRecord } from '../engine/records';
import type { StoredDefinition } from '../engine/store';
import type { WorkflowFile } from '../schema/workflow';
import {
  inside,
  insideEarlierWhile,
  isEarlierIteration,
  journalFor,
  recordPath,
  whileLoopsOf,
  type HeldChild,
  type Journal,
} from './branchJournal';
import { branchTopics, forwardAnswers } from './answerRouting';
import type { ServerRunStore } from './tables';

/**
 * Multi-step branches and loop iterations, and subworkflow steps' child runs, as DBOS child workflows. DBOS numbers
 * a workflow's operations in issue order, so two branches interleaving in one workflow would not replay alike; in a
 * child of its own each branch's operations are numbered apart. A child is self-contained (DBOS may recover it on
 * any worker, without its parent): it gets the records on its way (`branchJournal.ts`), resumes the run from them in
 * an engine of its own, runs only its branch (its ancestors replay their recorded steps) and returns the branch's
 * outcome with the records it made, which the parent adds to its journal. A branch that loses a `join: any` race
 * or whose sibling failed is cancelled, with its own children (a cancelled workflow is never run again).
 */
export const BRANCH_WORKFLOW = 'tabflowBranch';
export const SUBWORKFLOW_WORKFLOW = 'tabflowSubworkflow';

/** Where a child workflow's branch is: the branch's run and frame path. */
export interface BranchTarget {
  runId: string;
  path: string;
}

export interface BranchRequest {
  target: BranchTarget;
  journal: Journal;
  /** The run's workflow file (its `bundledWorkflows` are what its subworkflow steps call). */
  workflow: WorkflowFile;
  /** The definitions the journal's runs ran, by hash. */
  definitions: Array<[string, StoredDefinition]>;
}

export interface BranchResult {
  outcome: ScopeOutcome;
  records: Journal;
}

/** A subworkflow step's child run as a child workflow of its own (its DBOS workflowID is the child run's id). */
export interface SubworkflowRequest {
  child: ChildRunRequest;
  /** A run bundle's unfinished child run: its records, continued instead of a new run. */
  held?: HeldChild;
  /** The top run's workflow file: its `bundledWorkflows` are what the child (and its own subworkflows) call. */
  workflow: WorkflowFile;
}

export interface SubworkflowResult {
  run: RunRecord;
  /** The child run's records and those of the runs it started. */
  records: Journal;
}

/** The child workflows a run's engine starts (`registerChildWorkflows`). */
export interface ChildWorkflows {
  branch(request: BranchRequest): Promise<BranchResult>;
  subworkflow(request: SubworkflowRequest): Promise<SubworkflowResult>;
}

/** The id of a branch's child workflow: deterministic, so a recovered parent finds the child it started. */
export const branchWorkflowId = (runId: string, path: string) => `${runId}:${path}`;

/** The parent's side: each branch and child run is a child workflow, started in the order the engine asks. */
export function childBranches(
  store: ServerRunStore,
  workflow: WorkflowFile,
  children: ChildWorkflows,
  held = new Map<string, HeldChild>(),
): BranchRunner {
  return {
    runBranch: async (runId, path, slugs, work, signal) => {
      if (slugs.length < 2) return work();
      const definitions = structuredClone([...store.data.definitions]);
      const request = { target: { runId, path }, journal: journalFor(store, runId, path), workflow, definitions };
      const topics = branchTopics(store, runId, path, slugs);
      const result = await awaitChild(children.branch, branchWorkflowId(runId, path), request, signal, topics);
      await store.commit({ fences: [], ...result.records });
      return result.outcome;
    },
    runChild: async (child, signal) => {
      const bundled = held.get(child.id);
      // Refused as the engine refuses a name it cannot find, before any child workflow starts.
      if (!bundled && !workflow.bundledWorkflows?.some((w) => w.workflowConfig.name === child.workflowName))
        throw new InputError(`no saved workflow is named "${child.workflowName}"`);
      const request: SubworkflowRequest = {
        child: structuredClone(child),
        workflow,
        ...(bundled ? { held: bundled } : {}),
      };
      const result = await awaitChild(children.subworkflow, child.id, request, signal);
      await store.commit({ fences: [], ...result.records });
      return result.run;
    },
  };
}

/**
 * Cancels a child workflow and its own children as no operation of the workflow asking: bound outside every
 * workflow's context, so whatever order a replay learns of a race in, the parent's recorded operations stay the same
 * (a cancel is idempotent, and a cancelled workflow is never run again, not even by a recovered parent).
 */
const cancelWithChildren = AsyncResource.bind((workflowID: string) =>
  DBOS.cancelWorkflow(workflowID, { cancelChildren: true }),
);

const CANCELLED_CODE = new DBOSErrors.DBOSAwaitedWorkflowCancelledError('').dbosErrorCode;

/** An awaited child was cancelled (also as a replay revives the recorded error: a plain Error with its code). */
function wasCancelled(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && 'dbosErrorCode' in error && error.dbosErrorCode === CANCELLED_CODE
  );
}

/** The tail of each parent workflow's queue of child starts (`inIssueOrder`). */
const childStarts = new Map<string, Promise<void>>();

/**
 * Runs `start` after every child start its workflow asked for before: DBOS numbers a workflow's operations as they
 * are called, so a child's start, its forwarded answers and its awaited result take consecutive numbers in the
 * order the engine asked for the children, however long each start's database round trip takes (else a
 * recovered parent would number them otherwise and stop on the mismatch).
 */
async function inIssueOrder<T>(start: () => Promise<T>): Promise<T> {
  const parent = DBOS.workflowID ?? '';
  const before = childStarts.get(parent) ?? Promise.resolve();
  let release!: () => void;
  const turn = before.then(() => new Promise<void>((resolve) => (release = resolve)));
  childStarts.set(parent, turn);
  await before;
  try {
    return await start();
  } finally {
    release();
    if (childStarts.get(parent) === turn) childStarts.delete(parent);
  }
}

/**
 * Starts the child workflow (or, replayed, finds the one started before) and awaits its result. When `signal`
 * fires (a race lost, a sibling failed) the child is cancelled and the branch ends with the signal's reason. The
 * answers already sent for the child's steps go on to it (`answerRouting.ts`).
 */
async function awaitChild<Request, Result>(
  workflow: (request: Request) => Promise<Result>,
  workflowID: string,
  request: Request,
  signal: AbortSignal,
  answerTopics: readonly string[] = [],
): Promise<Result> {
  if (signal.aborted) throw signal.reason;
  // Listened for before the first await: an abort while the child starts must still settle it.
  const aborted = new Promise<never>((_, reject) =>
    signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
  );
  aborted.catch(() => undefined);
  const { awaited: result } = await inIssueOrder(async () => {
    const handle = await DBOS.startWorkflow(workflow, { workflowID })(request);
    await forwardAnswers(workflowID, answerTopics);
    // `getResult` takes its operation number as it is called: still inside this child's turn.
    const awaited = handle.getResult();
    awaited.catch(() => undefined);
    return { awaited };
  });
  try {
    return await Promise.race([result, aborted]);
  } catch (error) {
    if (!signal.aborted && !wasCancelled(error)) throw error;
    result.catch(() => undefined);
    // A replay may learn of the cancellation before the sibling outcome that caused it: the same signal follows.
    // (A branch cancelled with its parent waits here for nothing: its workflow is cancelled, nothing it does counts.)
    await aborted.catch(() => undefined);
    await cancelWithChildren(workflowID);
    throw signal.reason;
  }
}

const never = () => new Promise<ScopeOutcome>(() => undefined);

/**
 * Outcome of an earlier forEach iteration in a child that runs a later one: the loop's pool only needs it settled
 * to reach the target; the child never finishes the loop, so this output is read by no one (the parent keeps the
 * iteration's own).
 */
const SETTLED: ScopeOutcome = { status: 'ok', output: null, terminal: false };

/**
 * The child's side: the target runs here (its outcome goes to `done`, the engine never hears back, so nothing
 * after it runs in this child); a body on the way to it replays; one inside it runs as in a parent; an earlier
 * iteration of a `while` loop on the way replays (its records were handed, its condition reads them), an earlier
 * forEach iteration is settled at once, any other sibling never starts here.
 */
export function targetBranch(
  store: ServerRunStore,
  target: BranchTarget,
  done: (outcome: Promise<ScopeOutcome>) => void,
  workflow: WorkflowFile,
  children: ChildWorkflows,
): BranchRunner {
  const parent = childBranches(store, workflow, children);
  const routes = routesTo(store, target);
  const loops = whileLoopsOf(store, target.runId);
  return {
    everyBody: true,
    runChild: parent.runChild,
    runBranch: (runId, path, slugs, work, signal) => {
      if (runId === target.runId && path === target.path) {
        done(work());
        return never();
      }
      if (routes.some((r) => r.runId === runId && inside(r.path, path))) return work();
      const within = !routes.some((r) => r.runId === runId) || (runId === target.runId && inside(path, target.path));
      if (within) return parent.runBranch(runId, path, slugs, work, signal);
      if (runId !== target.runId) return never();
      if (insideEarlierWhile(path, target.path, loops)) return work();
      return isEarlierIteration(path, target.path) ? Promise.resolve(SETTLED) : never();
    },
  };
}

/** The target and, for each run enclosing its run, the frame path of the subworkflow step that leads to it. */
function routesTo(store: ServerRunStore, target: BranchTarget): BranchTarget[] {
  const routes = [target];
  for (let run = store.data.runs.get(target.runId); run?.parentRunId && run.parentStepKey;) {
    routes.push({ runId: run.parentRunId, path: recordPath(run.parentStepKey) });
    run = store.data.runs.get(run.parentRunId);
  }
  return routes;
}
