import type { StepOf } from '../../schema/steps';
import type { CompiledScope } from '../compile';
import { branchPath, iterationPath, ok, type Frame, type ScopeOutcome, type StepOutcome } from '../frame';
import { failure, StepFailure } from '../retry';
import { RunStopped } from '../runtime';
import type { StepApi } from '../stepApi';

const DEFAULT_MAX_ITERATIONS = 50;

function bodyOf(ctx: StepApi, name: string): CompiledScope {
  return ctx.bodies().get(name)!;
}

/** A controller for the container's children: aborts with the parent, and on its own when a child fails. */
function childController(ctx: StepApi): AbortController {
  const controller = new AbortController();
  const parent = ctx.signal;
  if (parent.aborted) controller.abort(parent.reason);
  else parent.addEventListener('abort', () => controller.abort(parent.reason), { once: true });
  return controller;
}

function throwIfFailed(outcome: ScopeOutcome): unknown {
  if (outcome.status === 'failed') throw new StepFailure(outcome.error);
  return outcome.output;
}

export async function loopHandler(step: StepOf<'loop'>, ctx: StepApi): Promise<StepOutcome> {
  const controller = childController(ctx);
  const iterate = (index: number, item: unknown) => {
    const frame: Frame = {
      path: iterationPath(ctx.frame.path, step.stepSlug, index),
      loop: { item, index, containerPath: ctx.frame.path, slug: step.stepSlug },
      signal: controller.signal,
    };
    return ctx.runBody(bodyOf(ctx, 'body'), frame).then(throwIfFailed);
  };
  if (step.config.forEach !== undefined) {
    const items = Array.isArray(step.config.forEach) ? step.config.forEach : ctx.resolve(step.config.forEach);
    if (!Array.isArray(items))
      throw failure(
        'validation',
        `forEach must resolve to a list, got ${items === null ? 'null' : typeof items}`,
        false,
      );
    // The list's length is on the loop's record from its start: the run shows iterations done of it.
    ctx.begin({ meta: { items: items.length } });
    return ok(await pool(items, step.config.concurrency ?? 1, iterate, controller));
  }
  ctx.begin();
  return ok(await whileLoop(step, ctx, iterate));
}

/** Runs `work` over `items`, at most `concurrency` at once; the first failure stops the rest. */
async function pool(
  items: unknown[],
  concurrency: number,
  work: (index: number, item: unknown) => Promise<unknown>,
  controller: AbortController,
): Promise<unknown[]> {
  const results: unknown[] = new Array(items.length);
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (next < items.length && failed === undefined) {
      const index = next++;
      try {
        results[index] = await work(index, items[index]);
      } catch (error) {
        failed ??= error;
        controller.abort(new RunStopped('branch-lost'));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failed !== undefined) throw failed;
  return results;
}

async function whileLoop(
  step: StepOf<'loop'>,
  ctx: StepApi,
  iterate: (index: number, item: unknown) => Promise<unknown>,
): Promise<unknown[]> {
  const results: unknown[] = [];
  const max = step.config.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  const body = bodyOf(ctx, 'body');
  for (let index = 0; ; index++) {
    const previous: Record<string, { output: unknown }> = {};
    if (index > 0) {
      const path = iterationPath(ctx.frame.path, step.stepSlug, index - 1);
      for (const slug of body.steps.keys()) {
        const output = ctx.outputAt(slug, path);
        if (output.found) previous[slug] = { output: output.value };
      }
    }
    if (!(await ctx.condition(step.config.while!, { index, previous, item: results[index - 1] }))) return results;
    if (index >= max)
      throw failure('validation', `the while loop reached maxIterations (${max}) and its condition still holds`, false);
    results.push(await iterate(index, results[index - 1]));
  }
}

/**
 * Branches run at once. `all`: every branch must succeed. `any`: the first to succeed wins, the others are cancelled.
 */
export async function parallelHandler(step: StepOf<'parallel'>, ctx: StepApi): Promise<StepOutcome> {
  ctx.begin();
  const controller = childController(ctx);
  const names = [...ctx.bodies().keys()];
  const outputs: Record<string, unknown> = {};
  let winner: string | undefined;
  let failed: unknown;
  await Promise.all(
    names.map(async (name) => {
      const frame: Frame = {
        path: branchPath(ctx.frame.path, step.stepSlug, name),
        loop: ctx.frame.loop,
        signal: controller.signal,
      };
      try {
        const output = throwIfFailed(await ctx.runBody(bodyOf(ctx, name), frame));
        if (step.config.join === 'any') {
          if (winner !== undefined) return;
          winner = name;
          controller.abort(new RunStopped('branch-lost'));
        }
        outputs[name] = output;
      } catch (error) {
        if (error instanceof RunStopped && error.reason === 'branch-lost' && !ctx.signal.aborted) return;
        if (ctx.signal.aborted) throw error;
        failed ??= error;
        if (step.config.join === 'all') controller.abort(new RunStopped('branch-lost'));
      }
    }),
  );
  if (ctx.signal.aborted) throw ctx.signal.reason;
  if (step.config.join === 'any') {
    if (winner === undefined) throw failed ?? failure('internal', 'no branch finished', false);
    ctx.setMeta({ winner });
    return ok({ [winner]: outputs[winner] });
  }
  if (failed !== undefined) throw failed;
  return ok(outputs);
}
