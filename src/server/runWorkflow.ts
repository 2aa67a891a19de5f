import { DBOS } from '@dbos-inc/dbos-sdk';
import type { Pool } from 'pg';
import { systemClock } from '../engine/clock';
import { Engine } from '../engine/engine';
import type { BranchRunner } from '../engine/branches';
import type { ScopeOutcome } from '../engine/frame';
import type { RunRecord, StepError } from '../engine/records';
import type { Runners } from '../engine/runtime';
import { loadBundleRun } from '../cli/bundleRun';
import type { RunBundle } from '../schema/runBundle';
import type { WorkflowFile } from '../schema/workflow';
import { dbosRunners, dbosWaits, stepName } from './dbosRuntime';
import {
  BRANCH_WORKFLOW,
  childBranches,
  SUBWORKFLOW_WORKFLOW,
  targetBranch,
  type BranchRequest,
  type BranchResult,
  type ChildWorkflows,
  type SubworkflowRequest,
  type SubworkflowResult,
} from './branchWorkflow';
import { recordsOf, setAsideChildRuns, type HeldChild, type Journal } from './branchJournal';
import { ServerRunStore } from './tables';
import { JournaledRunStore } from './runJournal';

/** The DBOS workflow every run is: its name, and the queue `submit` puts runs on. */
export const RUN_WORKFLOW = 'tabflowRun';
export const RUN_QUEUE = 'tabflow-runs';

export interface RunRequest {
  workflow: WorkflowFile;
  input: unknown;
  /** A run bundle exported from the tab (checked at `submit`): the run continues from its last finished step. */
  bundle?: RunBundle;
}

/** What a finished run returns to DBOS (its workflow output). */
export interface RunResult {
  status: RunRecord['status'];
  output?: unknown;
  error?: StepError;
  /** The journal's keys in recording order, without the run id: `slug@path`, `…/r1`, `…/r1/tool0`. */
  steps: string[];
}

export interface RunWorkflowDeps {
  /** The server's tables (`tables.ts`). */
  pool: Pool;
  runners: Runners;
  secret(name: string): Promise<string | undefined>;
  /** The child workflows multi-step branches and subworkflow steps run as (`registerChildWorkflows`). */
  children: ChildWorkflows;
}

/**
 * The engine interprets the run inside the DBOS workflow, over a store that lives as long as this execution:
 * durability is DBOS's. Every effect and wait is a DBOS operation (`dbosRuntime.ts`); after a crash DBOS runs this
 * again from the top and the engine, asking for the same effects in the same order, gets their recorded results.
 */
export function registerRunWorkflow(deps: RunWorkflowDeps): (request: RunRequest) => Promise<RunResult> {
  return DBOS.registerWorkflow(
    async (request: RunRequest): Promise<RunResult> => {
      const runId = DBOS.workflowID;
      if (!runId) throw new Error('a Tabflow run must run as a DBOS workflow');
      if (request.bundle && request.bundle.runId !== runId) {
        const message = `a run bundle continues under its own run id "${request.bundle.runId}", not "${runId}"`;
        return { status: 'failed', error: { message, category: 'validation', retryable: false }, steps: [] };
      }
      return interpret(runId, request, deps);
    },
    { name: RUN_WORKFLOW },
  );
}

async function interpret(runId: string, request: RunRequest, deps: RunWorkflowDeps): Promise<RunResult> {
  const store = new JournaledRunStore(deps.pool, runId);
  const { bundle } = request;
  const held = new Map<string, HeldChild>();
  const branches = childBranches(store, request.workflow, deps.children, held);
  // The run's id is the workflow's (a bundle's run has it already).
  const engine = runEngine(runId, store, request, deps, branches, bundle ? 0 : 1);
  try {
    if (bundle) await continueBundle(engine, store, bundle, held);
    else await engine.start({ workflow: request.workflow, input: request.input });
    const run = await engine.awaitRun(runId);
    const steps = (await store.loadSteps(runId)).map((step) => stepName(runId, step.key));
    const result: RunResult = { status: run.status, steps };
    if (run.output !== undefined) result.output = run.output;
    if (run.error) result.error = run.error;
    return result;
  } finally {
    engine.shutdown();
  }
}

/** The engine of a run's workflow or of one of its branches' child workflows, over `store`. */
function runEngine(
  runId: string,
  store: ServerRunStore,
  request: RunRequest,
  deps: RunWorkflowDeps,
  branches: BranchRunner,
  ownIds: number,
): Engine {
  const workflowId = DBOS.workflowID ?? runId;
  let ids = 0;
  return new Engine({
    store,
    clock: systemClock,
    runners: dbosRunners(runId, deps.runners),
    durable: dbosWaits(runId),
    branches,
    // One step at a time: DBOS numbers operations in the order they are issued.
    maxParallelism: 1,
    // The first `ownIds` ids are the workflow's own; anything else the engine names (events) is numbered after it.
    newId: () => (ids++ < ownIds ? workflowId : `${workflowId}/${ids}`),
    secret: deps.secret,
    // A subworkflow step calls a workflow the file bundles (as `tabflow run` and a bundle import do); its child run
    // is a child workflow of its own (`registerChildWorkflows`).
    findWorkflow: async (name) => request.workflow.bundledWorkflows?.find((w) => w.workflowConfig.name === name),
  });
}

/**
 * The child workflows (`branchWorkflow.ts`). A multi-step branch's: the run resumed from the records it was given,
 * in an engine that runs only that branch; its outcome and records go back to the parent. A subworkflow step's: the
 * child run created and run to its end in an engine of its own (its workflowID is the child run's id).
 */
export function registerChildWorkflows(deps: Omit<RunWorkflowDeps, 'children'>): ChildWorkflows {
  const children: ChildWorkflows = {
    branch: DBOS.registerWorkflow((branch: BranchRequest) => runBranch(branch, { ...deps, children }), {
      name: BRANCH_WORKFLOW,
    }),
    subworkflow: DBOS.registerWorkflow((child: SubworkflowRequest) => runSubworkflow(child, { ...deps, children }), {
      name: SUBWORKFLOW_WORKFLOW,
    }),
  };
  return children;
}

async function runBranch(branch: BranchRequest, deps: RunWorkflowDeps): Promise<BranchResult> {
  const rootId = branch.journal.runs[0]!.id;
  const store = new ServerRunStore(deps.pool);
  for (const [hash, stored] of branch.definitions) store.importDefinition(hash, stored.definition, stored.parsed);
  await store.commit({ fences: [], ...structuredClone(branch.journal) });
  let finished!: (outcome: Promise<ScopeOutcome>) => void;
  const outcome = new Promise<Promise<ScopeOutcome>>((resolve) => (finished = resolve));
  const branches = targetBranch(store, branch.target, finished, branch.workflow, deps.children);
  const engine = runEngine(rootId, store, { workflow: branch.workflow, input: undefined }, deps, branches, 0);
  try {
    await engine.resumeAll();
    const result = await await outcome;
    return { outcome: result, records: recordsOf(store, branch.target, branch.journal) };
  } finally {
    engine.shutdown();
  }
}

async function runSubworkflow(request: SubworkflowRequest, deps: RunWorkflowDeps): Promise<SubworkflowResult> {
  const { child, workflow } = request;
  const store = new ServerRunStore(deps.pool);
  const held = new Map<string, HeldChild>();
  const branches = childBranches(store, workflow, deps.children, held);
  const engine = runEngine(child.id, store, { workflow, input: undefined }, deps, branches, 0);
  try {
    if (request.held) await continueHeld(engine, store, child.id, request.held, held);
    else await engine.ensureChildRun(child);
    const run = await engine.awaitRun(child.id);
    return { run, records: wholeJournal(store) };
  } finally {
    engine.shutdown();
  }
}

/** A bundle's unfinished child run goes on from its records (its own unfinished children set aside in turn). */
async function continueHeld(
  engine: Engine,
  store: ServerRunStore,
  runId: string,
  child: HeldChild,
  held: Map<string, HeldChild>,
): Promise<void> {
  for (const [hash, stored] of child.definitions) store.importDefinition(hash, stored.definition, stored.parsed);
  await store.commit({ fences: [], ...structuredClone(child.journal) });
  setAsideChildRuns(store, runId, held);
  await engine.resumeAll();
}

/** Every record of the store: the child run's and those of the runs it started. */
function wholeJournal(store: ServerRunStore): Journal {
  const { runs, steps, messages } = store.data;
  return structuredClone({ runs: [...runs.values()], steps: [...steps.values()], messages: [...messages.values()] });
}

/**
 * The bundle's journal into this execution's store as `tabflow run` loads it (its completed records replay their
 * results, the rest run again, here as DBOS operations); the same records on every execution keep the replay's order.
 */
async function continueBundle(
  engine: Engine,
  store: ServerRunStore,
  bundle: RunBundle,
  held: Map<string, HeldChild>,
): Promise<void> {
  const loaded = await loadBundleRun(store, bundle);
  setAsideChildRuns(store, bundle.runId, held);
  if (loaded.kind !== 'finished') await engine.resumeAll();
}
