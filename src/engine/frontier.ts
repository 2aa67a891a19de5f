import { childBodies, type Step } from '../schema/steps';
import type { CompiledWorkflow } from './compile';
import { stepKey, type RunRecord, type StepRecord } from './records';
import { totalsOf, type RunTotals } from './runTotals';
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
  /** The run's model totals to carry on from. */
  totals: RunTotals;
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
 * Runs whose state is spread over the whole journal read it whole: "run this step" runs (their copied inputs are
 * top-level records off the walked path) and model runs written before their run kept its totals (`runTotals.ts`).
 */
function needsWholeJournal(run: RunRecord, compiled: CompiledWorkflow): boolean {
  return run.partial !== undefined || (run.totals === undefined && compiled.definition.stepsConfig.some(hasModelStep));
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

/** Iteration paths of a top-level loop start with `slug[index]` (slugs are letters, digits, `_` and `-`). */
const TOP_LOOP_ITERATION = /^([A-Za-z0-9_-]+)\[\d+\]/;

/** The slug of the top-level loop whose iteration holds `record`, if any. */
export function topLoopOf(record: StepRecord): string | undefined {
  return TOP_LOOP_ITERATION.exec(record.path)?.[1];
}

/** The journal's end as read: `resumeAt` the top-level step the walk starts from; none: the whole journal was read. */
interface Tail {
  records: StepRecord[];
  resumeAt: Step | undefined;
}

/**
 * Reads back to the newest completed top-level step, or to the first record of a top-level loop's iteration. A loop
 * that recorded its progress (`meta.loopProgress`) is read from its newest finished iteration on (every record of
 * it and later ones has seq ≥ `fromSeq`), with its own record by key; else the read goes on back to the anchor.
 */
async function readTail(
  store: Required<Pick<EngineStore, 'loadJournalTail' | 'loadStepsByKey'>>,
  runId: string,
  compiling: Promise<CompiledWorkflow>,
): Promise<Tail> {
  const newest = await store.loadJournalTail(runId, (r) => isResumeAnchor(r) || topLoopOf(r) !== undefined);
  const first = newest[0];
  const loopSlug = first && !isResumeAnchor(first) ? topLoopOf(first) : undefined;
  if (loopSlug === undefined) return anchored(newest, await compiling);
  const [compiled, [loopRecord]] = await Promise.all([compiling, store.loadStepsByKey([stepKey(runId, loopSlug, '')])]);
  const loopStep = compiled.top.steps.get(loopSlug);
  const progress = loopRecord?.meta?.loopProgress;
  if (!loopStep || loopStep.stepType !== 'loop' || !progress)
    return anchored(await store.loadJournalTail(runId, isResumeAnchor), compiled);
  const tail = await store.loadJournalTail(runId, (r) => isResumeAnchor(r) || r.seq < progress.fromSeq);
  // A top-level step completed after the loop's progress: the loop ended and the walk went on from there.
  if (tail[0] && isResumeAnchor(tail[0]) && tail[0].seq >= progress.fromSeq) return anchored(tail, compiled);
  return { records: [loopRecord!, ...tail.filter((r) => r.key !== loopRecord!.key)], resumeAt: loopStep };
}

function anchored(records: StepRecord[], compiled: CompiledWorkflow): Tail {
  const anchor = records[0] !== undefined && isResumeAnchor(records[0]) ? records[0] : undefined;
  return { records, resumeAt: anchor && compiled.top.steps.get(anchor.slug) };
}

/**
 * The records a driver needs to continue `run`: the journal's tail and what it reads by key when the store
 * can read a tail (and the run allows it), else the whole journal. The run's model totals come along: stored,
 * or summed from the whole journal (a model-free run's tail has none to sum).
 */
export async function loadJournal(
  store: EngineStore,
  run: RunRecord,
  compiling: Promise<CompiledWorkflow>,
): Promise<LoadedJournal> {
  const whole = async (): Promise<LoadedJournal> => {
    const steps = await store.loadSteps(run.id);
    return { steps, resumeAt: undefined, totals: totalsOf(steps) };
  };
  if (!store.loadJournalTail || !store.loadStepsByKey) return whole();
  const { loadJournalTail, loadStepsByKey } = store;
  const tailStore = { loadJournalTail: loadJournalTail.bind(store), loadStepsByKey: loadStepsByKey.bind(store) };
  const [compiled, tail] = await Promise.all([compiling, readTail(tailStore, run.id, compiling)]);
  if (needsWholeJournal(run, compiled)) return whole();
  const totals = run.totals ?? totalsOf(tail.records);
  if (!tail.resumeAt) return { steps: tail.records, resumeAt: undefined, totals };
  const loaded = new Set(tail.records.map((record) => record.key));
  const missing = keysReadFrom(run.id, compiled, tail.resumeAt).filter((key) => !loaded.has(key));
  const read = missing.length > 0 ? await store.loadStepsByKey(missing) : [];
  return { steps: [...read, ...tail.records], resumeAt: tail.resumeAt, totals };
}
