import { childBodies, type Step } from '../schema/steps';
import type { CompiledWorkflow } from './compile';
import { stepKey, type RunRecord, type StepRecord } from './records';
import type { EngineStore } from './store';

/**
 * A resume that reads the end of the journal, not its whole history. The top level walks one step at a
 * time, so the newest completed top-level step (the anchor) is where that walk stands: the steps before it
 * never run again and nothing after it can read their records, except the outputs its successors' templates
 * name and the trigger's data, read by key. Every record newer than the anchor (its successors, the
 * containers in flight and their iterations) is read in full.
 */
export interface LoadedJournal {
  steps: StepRecord[];
  /** The top-level step the walk starts from (it replays from its record); undefined: from the entry. */
  resumeAt: Step | undefined;
}

/** A top-level step's own record that finished well. Triggers never anchor: a terminal one ends the run. */
export function isResumeAnchor(record: StepRecord): boolean {
  return (
    record.kind === 'step' &&
    record.path === '' &&
    record.status === 'completed' &&
    record.stepType !== 'trigger' &&
    record.key === stepKey(record.runId, record.slug, '')
  );
}

/**
 * Runs whose state is spread over the whole journal read it whole: model steps (tokens spent, budget raises,
 * threads) and "run this step" runs (their copied inputs are top-level records off the walked path).
 */
function needsWholeJournal(run: RunRecord, compiled: CompiledWorkflow): boolean {
  return run.partial !== undefined || compiled.definition.stepsConfig.some(hasModelStep);
}

function hasModelStep(step: Step): boolean {
  return step.stepType === 'llm' || childBodies(step).some((body) => body.steps.some(hasModelStep));
}

/** Keys of the top-level records the rest of the walk can read: the trigger's and every output named after `from`. */
export function keysReadFrom(runId: string, compiled: CompiledWorkflow, from: Step): string[] {
  const slugs = new Set<string>([compiled.top.entry.stepSlug]);
  const seen = new Set<string>();
  const visit = (step: Step, steps: ReadonlyMap<string, Step>) => {
    if (seen.has(step.stepSlug)) return;
    seen.add(step.stepSlug);
    compiled.reads.get(step.stepSlug)?.forEach((slug) => slugs.add(slug));
    for (const body of childBodies(step)) for (const inner of body.steps) visit(inner, new Map());
    for (const next of Object.values(step.nextSteps ?? {})) {
      const target = steps.get(next);
      if (target) visit(target, steps);
    }
  };
  visit(from, compiled.top.steps);
  return [...slugs].map((slug) => stepKey(runId, slug, ''));
}

/**
 * The records a driver needs to continue `run`: the journal's tail and what it reads by key when the store
 * can read a tail (and the run allows it), else the whole journal.
 */
export async function loadJournal(
  store: EngineStore,
  run: RunRecord,
  compiling: Promise<CompiledWorkflow>,
): Promise<LoadedJournal> {
  if (!store.loadJournalTail || !store.loadStepsByKey)
    return { steps: await store.loadSteps(run.id), resumeAt: undefined };
  const [compiled, tail] = await Promise.all([compiling, store.loadJournalTail(run.id, isResumeAnchor)]);
  const anchor = tail[0] !== undefined && isResumeAnchor(tail[0]) ? tail[0] : undefined;
  if (!anchor) return { steps: tail, resumeAt: undefined };
  const resumeAt = compiled.top.steps.get(anchor.slug);
  if (!resumeAt || needsWholeJournal(run, compiled))
    return { steps: await store.loadSteps(run.id), resumeAt: undefined };
  const loaded = new Set(tail.map((record) => record.key));
  const missing = keysReadFrom(run.id, compiled, resumeAt).filter((key) => !loaded.has(key));
  const read = missing.length > 0 ? await store.loadStepsByKey(missing) : [];
  return { steps: [...read, ...tail], resumeAt };
}
