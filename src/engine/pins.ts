import { childBodies, type Step } from '../schema/steps';
import type { CompiledScope, CompiledWorkflow } from './compile';
import type { StepOutcome } from './frame';
import { InputError } from './input';
import { stepKey, type PartialRun, type RunPin, type RunRecord, type StepRecord } from './records';
import type { EngineStore } from './store';

/**
 * Iterating from the editor: pinned outputs (a step completes with its pin instead of running), "run
 * this step" (that step alone, its inputs copied from an earlier run or pins) and "run to here" (the run
 * ends after that step). Pins are keyed by slug and apply to every instance of the step (each loop
 * iteration, each branch); both partial runs name a top-level step. All of it lives on the run record,
 * so a resume after a reload behaves exactly as the start did.
 */

/** The outcome a pinned step completes with; undefined when the run has no pin for it. */
export function pinnedOutcome(run: RunRecord, slug: string): Completed | undefined {
  // Own keys only: a step slugged "constructor" is not pinned by Object.prototype.
  if (!run.pins || !Object.hasOwn(run.pins, slug)) return undefined;
  return completed(run.pins[slug]!.output, run.pins[slug]!.branch);
}

type Completed = Extract<StepOutcome, { status: 'ok' }>;
const completed = (output: unknown, branch: string | undefined): Completed =>
  branch === undefined ? { status: 'ok', output } : { status: 'ok', output, branch };

/** The body a run interprets: the whole workflow, or for "run this step" that step alone. */
export function scopeToRun(run: RunRecord, compiled: CompiledWorkflow): CompiledScope {
  const step = run.partial?.kind === 'step-only' ? compiled.top.steps.get(run.partial.slug) : undefined;
  // A step-only run names a top-level step (checked at start); a body of one step ends after it.
  return step ? { entry: step, steps: new Map([[step.stepSlug, step]]) } : compiled.top;
}

/** "Run to here": whether the run ends after this step instance (a top-level step). */
export function stopsAfter(run: RunRecord, slug: string, path: string): boolean {
  return run.partial?.kind === 'up-to' && path === '' && run.partial.slug === slug;
}

/** The run record saying it stopped after its "run to here" step. */
export function reachedStop(run: RunRecord): RunRecord {
  return run.partial?.kind === 'up-to' ? { ...run, partial: { ...run.partial, reached: true } } : run;
}

/** What a start asks for beyond the workflow and its input. */
export interface PinnedStart {
  pins?: Record<string, RunPin> | undefined;
  partial?: PartialRun | undefined;
}

/**
 * The new run with its pins and partial mode, and for "run this step" the records of the outputs its
 * step reads (pinned, else copied from the `inputsFrom` run). Throws InputError naming every step
 * output that is missing, or a step that is not at the top level.
 */
export async function preparePinnedRun(
  store: EngineStore,
  compiled: CompiledWorkflow,
  start: PinnedStart,
  run: RunRecord,
): Promise<{ run: RunRecord; steps: StepRecord[] }> {
  const next: RunRecord = { ...run };
  const pins = knownPins(compiled, start.pins);
  if (pins) next.pins = pins;
  const partial = start.partial;
  if (!partial) return { run: next, steps: [] };
  const target = compiled.top.steps.get(partial.slug);
  if (!target)
    throw new InputError(
      `"${partial.slug}" is not a step at the top level of this workflow ` +
        '(a step inside a loop or a branch cannot be run alone or up to)',
    );
  next.partial = partial.kind === 'up-to' ? { kind: 'up-to', slug: partial.slug } : partial;
  if (partial.kind === 'up-to') return { run: next, steps: [] };
  const source = partial.inputsFrom === undefined ? [] : await store.loadSteps(partial.inputsFrom);
  const steps = inputRecords(compiled, target, next, source, partial.inputsFrom);
  next.nextSeq = steps.length;
  return { run: next, steps };
}

/** Pins of steps the workflow has (a pin left from a renamed step is ignored); undefined when none. */
function knownPins(
  compiled: CompiledWorkflow,
  pins: Record<string, RunPin> | undefined,
): Record<string, RunPin> | undefined {
  if (!pins) return undefined;
  const slugs = new Set(compiled.reads.keys());
  const kept = Object.entries(pins).filter(([slug]) => slugs.has(slug));
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

/** The top-level outputs `target` reads (its body's too, for a container), the trigger's first. */
export function inputsOf(compiled: CompiledWorkflow, target: Step): string[] {
  const inside = new Set<string>();
  const reads = new Set<string>();
  const visit = (step: Step) => {
    inside.add(step.stepSlug);
    compiled.reads.get(step.stepSlug)?.forEach((slug) => reads.add(slug));
    for (const body of childBodies(step)) body.steps.forEach(visit);
  };
  visit(target);
  const trigger = compiled.top.entry.stepSlug;
  const needed = [...reads].filter((slug) => !inside.has(slug) && compiled.top.steps.has(slug) && slug !== trigger);
  return inside.has(trigger) ? needed : [trigger, ...needed];
}

function inputRecords(
  compiled: CompiledWorkflow,
  target: Step,
  run: RunRecord,
  source: StepRecord[],
  sourceRunId: string | undefined,
): StepRecord[] {
  const trigger = compiled.top.entry.stepSlug;
  const bySlug = new Map(source.filter((s) => s.kind === 'step' && s.path === '').map((s) => [s.slug, s]));
  const records: StepRecord[] = [];
  const missing: string[] = [];
  for (const slug of inputsOf(compiled, target)) {
    const step = compiled.top.steps.get(slug)!;
    const pinned = pinnedOutcome(run, slug);
    const copied = bySlug.get(slug);
    if (pinned) records.push(inputRecord(run, step, records.length, pinned, { pinned: true }));
    else if (copied?.status === 'completed')
      records.push(
        inputRecord(run, step, records.length, completed(copied.output, copied.branch), { copiedFrom: copied.key }),
      );
    // The trigger's data is read only through `trigger.data`: a step that does not read it runs without it.
    else if (slug !== trigger) missing.push(slug);
  }
  if (missing.length > 0) throw new InputError(missingInputs(target.stepSlug, missing, sourceRunId !== undefined));
  return records;
}

function missingInputs(target: string, missing: string[], hadSource: boolean): string {
  const list = missing.map((slug) => `"${slug}"`).join(', ');
  const where = hadSource ? 'the last run of this workflow did not complete' : 'this workflow has no earlier run with';
  const them = missing.length === 1 ? 'it' : 'them';
  const steps = missing.length === 1 ? 'that step' : 'those steps';
  return (
    `"${target}" needs the output of ${list}, but ${where} ${steps} and no pin holds ${them}: ` +
    `run the workflow up to "${target}", or pin ${them} first`
  );
}

function inputRecord(
  run: RunRecord,
  step: Step,
  seq: number,
  outcome: Completed,
  meta: { pinned: true } | { copiedFrom: string },
): StepRecord {
  const record: StepRecord = {
    key: stepKey(run.id, step.stepSlug, ''),
    runId: run.id,
    slug: step.stepSlug,
    path: '',
    kind: 'step',
    stepType: step.stepType,
    seq,
    status: 'completed',
    attempts: [],
    interruptions: 0,
    startedAt: run.createdAt,
    endedAt: run.createdAt,
    output: outcome.output,
    meta,
  };
  if (outcome.branch !== undefined) record.branch = outcome.branch;
  return record;
}
