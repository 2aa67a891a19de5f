import { FINISHED_RUN_STATUSES, type RunRecord, type StepRecord, type ThreadMessageRecord } from '../engine/records';
import type { StoredDefinition } from '../engine/store';
import type { ServerRunStore } from './tables';

/**
 * What a branch's child workflow is handed of its run's journal: the records on its way (the enclosing scopes'
 * records, which are all its templates can read, and its own if it had begun), never its siblings' — a loop's
 * iteration would otherwise be handed every iteration before it, and a long loop copy its journal quadratically.
 */

export interface Journal {
  runs: RunRecord[];
  steps: StepRecord[];
  messages: ThreadMessageRecord[];
}

/** `runId:slug@path/r1` → `path/r1`: where in its run a record is. */
export function recordPath(key: string): string {
  return key.slice(key.indexOf('@') + 1);
}

export const inside = (path: string, scope: string) => path === scope || path.startsWith(`${scope}/`);

/** A frame path's last segment as a loop iteration (`…/slug[3]`): the loop's container path, slug and index. */
interface Iteration {
  container: string;
  slug: string;
  index: number;
}

function asIteration(path: string): Iteration | undefined {
  const cut = path.lastIndexOf('/');
  const match = /^(.+)\[(\d+)\]$/.exec(path.slice(cut + 1));
  if (!match) return undefined;
  return { container: cut < 0 ? '' : path.slice(0, cut), slug: match[1]!, index: Number(match[2]) };
}

/** The loop iterations a frame path passes through, outermost first. */
function iterationsOn(path: string): Iteration[] {
  const segments = path.split('/');
  return segments.flatMap((_, i) => asIteration(segments.slice(0, i + 1).join('/')) ?? []);
}

/** An iteration of a loop the target is inside of, before the target's own iteration of it. */
function earlierOnRoute(iteration: Iteration, target: string): boolean {
  const onRoute = iterationsOn(target).find((i) => i.container === iteration.container && i.slug === iteration.slug);
  return onRoute !== undefined && iteration.index < onRoute.index;
}

/** `path` is an earlier iteration of a loop on the way to `target`. */
export function isEarlierIteration(path: string, target: string): boolean {
  const iteration = asIteration(path);
  return iteration !== undefined && earlierOnRoute(iteration, target);
}

/** `path` is inside an earlier iteration of a `while` loop on the way to `target` (its records are handed). */
export function insideEarlierWhile(path: string, target: string, loops: ReadonlySet<string>): boolean {
  return iterationsOn(path).some((i) => loops.has(i.slug) && earlierOnRoute(i, target));
}

/** A step as the workflow file spells it, as far as finding its loops goes. */
interface StepShape {
  stepSlug: string;
  stepType: string;
  config?: { while?: unknown; steps?: StepShape[]; branches?: Record<string, StepShape[]> };
}

/** The slugs of the definition's `while` loops: an iteration's condition reads the iteration before it. */
export function whileLoops(steps: readonly unknown[], found = new Set<string>()): Set<string> {
  for (const step of steps as readonly StepShape[]) {
    if (step.stepType === 'loop' && step.config?.while !== undefined) found.add(step.stepSlug);
    for (const body of [step.config?.steps ?? [], ...Object.values(step.config?.branches ?? {})])
      whileLoops(body, found);
  }
  return found;
}

/** The `while` loops of the run's definition. */
export function whileLoopsOf(store: ServerRunStore, runId: string): Set<string> {
  const run = store.data.runs.get(runId);
  return whileLoops((run && store.data.definitions.get(run.workflowHash)?.definition.stepsConfig) ?? []);
}

/**
 * Whether a record at frame path `path` is handed to the child of `target`: a scope enclosing the target, the
 * target itself, or inside an earlier iteration of a `while` loop on its way (whose condition the child evaluates
 * again, reading the iteration before).
 */
function handed(path: string, target: string, loops: ReadonlySet<string>): boolean {
  return path === '' || inside(target, path) || inside(path, target) || insideEarlierWhile(path, target, loops);
}

/** A run whose state is spread over its whole journal (a budget counts every round, a partial run's inputs). */
function readsWholeJournal(run: RunRecord): boolean {
  return run.budget !== undefined || run.partial !== undefined;
}

/** The journal a branch at `path` of run `runId` starts from: its run's records on its way, the enclosing runs'. */
export function journalFor(store: ServerRunStore, runId: string, path: string): Journal {
  const runs: RunRecord[] = [];
  for (let id: string | undefined = runId; id; id = store.data.runs.get(id)?.parentRunId) {
    const run = store.data.runs.get(id);
    if (run) runs.unshift(structuredClone(run));
  }
  const target = store.data.runs.get(runId);
  const loops = whileLoopsOf(store, runId);
  const whole = !target || readsWholeJournal(target);
  const ids = new Set(runs.map((r) => r.id));
  const steps = [...store.data.steps.values()]
    .filter((s) => ids.has(s.runId) && (s.runId !== runId || whole || handed(s.path, path, loops)))
    .map((s) => structuredClone(s));
  const messages = [...store.data.messages.values()].filter((m) => ids.has(m.runId)).map((m) => structuredClone(m));
  return { runs, steps, messages };
}

/** What the branch recorded: its own steps and messages, and the runs (subworkflows) started inside it. */
export function recordsOf(store: ServerRunStore, target: { runId: string; path: string }, before: Journal): Journal {
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

/** A subworkflow's child run that a run bundle brought unfinished: its records, continued in its child workflow. */
export interface HeldChild {
  journal: Journal;
  definitions: Array<[string, StoredDefinition]>;
}

/**
 * Takes the unfinished child runs of `runId` (a bundle's, each with the runs under it) out of the store, so this
 * engine does not drive them here: each continues in its own child workflow when its subworkflow step runs again.
 */
export function setAsideChildRuns(store: ServerRunStore, runId: string, held: Map<string, HeldChild>): void {
  const { runs, steps, messages, definitions } = store.data;
  for (const child of [...runs.values()]) {
    if (child.parentRunId !== runId || FINISHED_RUN_STATUSES.has(child.status)) continue;
    const under = (run: RunRecord | undefined): boolean =>
      run !== undefined && (run.id === child.id || under(run.parentRunId ? runs.get(run.parentRunId) : undefined));
    const ids = new Set([...runs.values()].filter(under).map((run) => run.id));
    const journal: Journal = {
      runs: [...ids].map((id) => runs.get(id)!),
      steps: [...steps.values()].filter((s) => ids.has(s.runId)),
      messages: [...messages.values()].filter((m) => ids.has(m.runId)),
    };
    for (const id of ids) {
      runs.delete(id);
      store.data.stepsByRun.delete(id);
    }
    for (const step of journal.steps) steps.delete(step.key);
    for (const message of journal.messages) messages.delete(message.id);
    held.set(child.id, structuredClone({ journal, definitions: [...definitions] }));
  }
}
