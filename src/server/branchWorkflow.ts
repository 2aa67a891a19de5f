import { DBOS } from '@dbos-inc/dbos-sdk';
import type { BranchRunner } from '../engine/branches';
import type { ScopeOutcome } from '../engine/frame';
import type { RunRecord, StepRecord, ThreadMessageRecord } from '../engine/records';
import type { StoredDefinition } from '../engine/store';
import type { WorkflowFile } from '../schema/workflow';
import type { ServerRunStore } from './tables';

/**
 * Multi-step branches and loop iterations as DBOS child workflows. DBOS numbers a workflow's operations in issue
 * order, so two branches interleaving in one workflow would not replay alike; in a child of its own each branch's
 * operations are numbered apart. A child is self-contained (DBOS may recover it on any worker, without its parent):
 * it gets the journal as it stood when the branch started, resumes the run from it in an engine of its own, runs
 * only its branch (its siblings wait forever, its ancestors replay their recorded steps) and returns the branch's
 * outcome with the records it made, which the parent adds to its journal.
 */
export const BRANCH_WORKFLOW = 'tabflowBranch';

export interface Journal {
  runs: RunRecord[];
  steps: StepRecord[];
  messages: ThreadMessageRecord[];
}

/** Where a child workflow's branch is: the branch, and the run ids and frame paths that lead to it. */
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

export type StartBranch = (request: BranchRequest, workflowId: string) => Promise<BranchResult>;

/** `runId:slug@path/r1` → `path/r1`: where in its run a record is. */
function recordPath(key: string): string {
  return key.slice(key.indexOf('@') + 1);
}

const inside = (path: string, scope: string) => path === scope || path.startsWith(`${scope}/`);

/** The journal of the store as it is now, but only the target's run and the runs enclosing it. */
export function journalFor(store: ServerRunStore, runId: string): Journal {
  const runs: RunRecord[] = [];
  for (let id: string | undefined = runId; id; id = store.data.runs.get(id)?.parentRunId) {
    const run = store.data.runs.get(id);
    if (run) runs.unshift(structuredClone(run));
  }
  const ids = new Set(runs.map((r) => r.id));
  const steps = [...store.data.steps.values()].filter((s) => ids.has(s.runId)).map((s) => structuredClone(s));
  const messages = [...store.data.messages.values()].filter((m) => ids.has(m.runId)).map((m) => structuredClone(m));
  return { runs, steps, messages };
}

/** What the branch recorded: its own steps and messages, and the runs (subworkflows) started inside it. */
export function recordsOf(store: ServerRunStore, target: BranchTarget, before: Journal): Journal {
  const known = new Set(before.runs.map((r) => r.id));
  const seenMessages = new Set(before.messages.map((m) => m.id));
  const runs = [...store.data.runs.values()].filter((r) => !known.has(r.id));
  const newRuns = new Set(runs.map((r) => r.id));
  const steps = [...store.data.steps.values()].filter(
    (s) => newRuns.has(s.runId) || (s.runId === target.runId && inside(recordPath(s.key), target.path)),
  );
  const messages = [...store.data.messages.values()].filter((m) => !seenMessages.has(m.id));
  return structuredClone({ runs, steps, messages });
}

/** The parent's side: each branch is a child workflow, started in the order the engine asks (DBOS's order). */
export function childBranches(store: ServerRunStore, workflow: WorkflowFile, start: StartBranch): BranchRunner {
  return {
    runBranch: async (runId, path, slugs, work) => {
      if (slugs.length < 2) return work();
      const definitions = structuredClone([...store.data.definitions]);
      const request = { target: { runId, path }, journal: journalFor(store, runId), workflow, definitions };
      const result = await start(request, `${runId}:${path}`);
      await store.commit({ fences: [], ...result.records });
      return result.outcome;
    },
  };
}

const never = () => new Promise<ScopeOutcome>(() => undefined);

/**
 * The child's side: the target runs here (its outcome goes to `done`, the engine never hears back, so nothing
 * after it runs in this child); a body on the way to it replays; one inside it runs as in a parent; a sibling of
 * several steps is found by its own child workflow's id (a loop's pool waits for it as in the parent), a sibling of
 * one step replays if it had finished and else never starts here.
 */
export function targetBranch(
  store: ServerRunStore,
  target: BranchTarget,
  done: (outcome: Promise<ScopeOutcome>) => void,
  workflow: WorkflowFile,
  start: StartBranch,
): BranchRunner {
  const children = childBranches(store, workflow, start);
  const routes = routesTo(store, target);
  return {
    everyBody: true,
    runBranch: (runId, path, slugs, work) => {
      if (runId === target.runId && path === target.path) {
        done(work());
        return never();
      }
      if (routes.some((r) => r.runId === runId && inside(r.path, path))) return work();
      const within = !routes.some((r) => r.runId === runId) || (runId === target.runId && inside(path, target.path));
      if (within || slugs.length > 1) return children.runBranch(runId, path, slugs, work);
      const key = `${runId}:${slugs[0]}@${path}`;
      return store.data.steps.get(key)?.status === 'completed' ? work() : never();
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

/** Starts the child workflow (or, replayed, finds the one started before) and awaits its result. */
export function dbosStartBranch(workflow: (request: BranchRequest) => Promise<BranchResult>): StartBranch {
  return async (request, workflowId) => {
    const handle = await DBOS.startWorkflow(workflow, { workflowID: workflowId })(request);
    return handle.getResult();
  };
}
