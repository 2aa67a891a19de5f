import { checkExpression } from '../schema/expression';
import { describeProblem, hasErrors } from '../schema/problems';
import { childBodies, type Step } from '../schema/steps';
import { findTemplates } from '../schema/template';
import { validateWorkflowFile } from '../schema/validate';
import { workflowFileSchema, type ParsedWorkflow, type WorkflowFile } from '../schema/workflow';

/** A body of steps (the top level, a loop body, a parallel branch): one entry, walked by nextSteps. */
export interface CompiledScope {
  entry: Step;
  steps: ReadonlyMap<string, Step>;
}

/** A workflow ready to interpret: parsed with defaults, indexed by slug, references precomputed. */
export interface CompiledWorkflow {
  definition: ParsedWorkflow;
  top: CompiledScope;
  /** Container slug → its bodies by name ("body" for a loop, branch names for parallel). */
  bodies: ReadonlyMap<string, ReadonlyMap<string, CompiledScope>>;
  /** Step slug → slugs whose outputs its templates and expressions read (found on a step's first `get`). */
  reads: ReadonlyMap<string, ReadonlySet<string>>;
  /** Slugs of triggers that some step points to: reaching one ends the run with its data. */
  terminals: ReadonlySet<string>;
}

export class InvalidWorkflowError extends Error {
  override name = 'InvalidWorkflowError';
}

/**
 * `validated`: the file passed validation before (it was stored), so only parse it. `parsed`: it is
 * the output of a parse already (a stored definition), so take it as it is.
 */
export function compileWorkflow(
  file: WorkflowFile,
  options: { validated?: boolean; parsed?: boolean } = {},
): CompiledWorkflow {
  const problems = options.validated || options.parsed ? [] : validateWorkflowFile(file).problems;
  if (hasErrors(problems)) {
    const errors = problems
      .filter((p) => p.severity === 'error')
      .slice(0, 5)
      .map(describeProblem);
    throw new InvalidWorkflowError(`the workflow has errors: ${errors.join('; ')}`);
  }
  const definition = options.parsed ? (file as ParsedWorkflow) : workflowFileSchema.parse(file);
  const bodies = new Map<string, Map<string, CompiledScope>>();
  const reads = new StepReads();
  const terminals = new Set<string>();
  const top = compileScope(definition.stepsConfig, bodies, reads, terminals);
  return { definition, top, bodies, reads, terminals };
}

function compileScope(
  steps: Step[],
  bodies: Map<string, Map<string, CompiledScope>>,
  reads: StepReads,
  terminals: Set<string>,
): CompiledScope {
  const bySlug = new Map(steps.map((s) => [s.stepSlug, s]));
  const pointedTo = new Set(steps.flatMap((s) => Object.values(s.nextSteps ?? {})));
  for (const step of steps) {
    if (step.stepType === 'trigger' && pointedTo.has(step.stepSlug)) terminals.add(step.stepSlug);
    reads.add(step);
    const children = childBodies(step);
    if (children.length > 0) {
      bodies.set(
        step.stepSlug,
        new Map(children.map((b) => [b.name, compileScope(b.steps, bodies, reads, terminals)])),
      );
    }
  }
  // Validation guarantees exactly one step of the body is not pointed to (at the top: a trigger).
  const entry = steps.find((s) => !pointedTo.has(s.stepSlug))!;
  return { entry, steps: bySlug };
}

/**
 * Every step's reads, each found the first time it is asked for: a resume compiles the whole definition but
 * resolves only the steps it still runs. Keys (every slug) are known at once.
 */
class StepReads extends Map<string, ReadonlySet<string>> {
  private readonly unread = new Map<string, Step>();

  add(step: Step): void {
    this.unread.set(step.stepSlug, step);
    super.set(step.stepSlug, EMPTY_READS);
  }

  override get(slug: string): ReadonlySet<string> | undefined {
    const step = this.unread.get(slug);
    if (step === undefined) return super.get(slug);
    this.unread.delete(slug);
    const reads = stepReads(step);
    super.set(slug, reads);
    return reads;
  }
}

const EMPTY_READS: ReadonlySet<string> = new Set();

/** Slugs a step's own config reads through `{{steps.x…}}`, `{{loop.previous.x…}}` or `steps.x` in expressions. */
function stepReads(step: Step): Set<string> {
  const slugs = new Set<string>();
  const { steps: _body, branches: _branches, ...own } = step.config as Record<string, unknown>;
  for (const found of findTemplates(own, [])) {
    for (const ref of found.refs) {
      const [first, second] = ref.path;
      if (ref.root === 'steps' && typeof first === 'string') slugs.add(first);
      if (ref.root === 'loop' && first === 'previous' && typeof second === 'string') slugs.add(second);
    }
  }
  for (const source of expressionsOf(step)) {
    const checked = checkExpression(source);
    if (checked.ok) checked.stepRefs.forEach((s) => slugs.add(s));
  }
  return slugs;
}

export function expressionsOf(step: Step): string[] {
  if (step.stepType === 'condition') return step.config.rules.map((r) => r.when);
  if (step.stepType === 'loop' && step.config.while !== undefined) return [step.config.while];
  if (step.stepType === 'action' && step.config.action === 'transform') return [step.config.expression];
  return [];
}

/** Compiled workflows kept by an engine: at most this many distinct definitions. */
export const COMPILED_CACHE_LIMIT = 32;

/**
 * The engine's compiled workflows by definition hash, least recently used dropped first, so a worker that runs
 * many distinct workflows holds a bounded number. A dropped one is compiled again from its stored definition.
 */
export class CompiledCache {
  private readonly entries = new Map<string, CompiledWorkflow>();

  constructor(private readonly limit = COMPILED_CACHE_LIMIT) {}

  get size(): number {
    return this.entries.size;
  }

  get(hash: string): CompiledWorkflow | undefined {
    const compiled = this.entries.get(hash);
    if (compiled === undefined) return undefined;
    // Re-inserted: a Map iterates in insertion order, so the first key is always the least recently used.
    this.entries.delete(hash);
    this.entries.set(hash, compiled);
    return compiled;
  }

  set(hash: string, compiled: CompiledWorkflow): void {
    this.entries.delete(hash);
    this.entries.set(hash, compiled);
    while (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value!);
  }
}
