import type { ExpressionContext } from '../schema/expression';
import type { Step } from '../schema/steps';
import type { TemplateScope } from '../schema/template';
import type { CompiledWorkflow } from './compile';
import { iterationPath, type Frame } from './frame';

/** What a step's templates and expressions can read of its run. */
export interface ScopeSource {
  readonly compiled: CompiledWorkflow;
  readonly run: { id: string; input: unknown };
  triggerData(): unknown;
  /** The completed output of `slug` as seen from `path`: its own iteration or branch first, then enclosing ones. */
  visibleOutput(slug: string, path: string): { found: true; value: unknown } | { found: false };
  /** The completed output of `slug` at exactly `path`. */
  outputAt(slug: string, path: string): { found: true; value: unknown } | { found: false };
}

/** Only the outputs this step reads are gathered: cost does not grow with the run's history. */
export function templateScope(source: ScopeSource, step: Step, frame: Frame): TemplateScope {
  const reads = [...(source.compiled.reads.get(step.stepSlug) ?? [])];
  // fromEntries defines own properties: a step slugged "__proto__" stays data.
  const steps = Object.fromEntries(
    reads.flatMap((slug) => {
      const output = source.visibleOutput(slug, frame.path);
      return output.found ? [[slug, { output: output.value }]] : [];
    }),
  );
  const scope: TemplateScope = {
    input: source.run.input,
    trigger: { data: source.triggerData() },
    steps,
    variables: source.compiled.definition.workflowConfig.config?.variables ?? {},
    run: { id: source.run.id },
  };
  if (frame.loop)
    scope.loop = {
      item: frame.loop.item,
      index: frame.loop.index,
      previous: previousIteration(source, reads, frame.loop),
    };
  return scope;
}

function previousIteration(
  source: ScopeSource,
  reads: string[],
  loop: NonNullable<Frame['loop']>,
): Record<string, { output: unknown }> {
  if (loop.index === 0) return {};
  const path = iterationPath(loop.containerPath, loop.slug, loop.index - 1);
  return Object.fromEntries(
    reads.flatMap((slug) => {
      const output = source.outputAt(slug, path);
      return output.found ? [[slug, { output: output.value }]] : [];
    }),
  );
}

export function expressionContext(scope: TemplateScope): ExpressionContext {
  return {
    input: scope.input,
    trigger: scope.trigger,
    steps: scope.steps,
    variables: scope.variables,
    loop: scope.loop,
    run: scope.run,
  };
}
