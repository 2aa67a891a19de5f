import type { StepOf } from '../../schema/steps';
import type { CompiledScope } from '../compile';
import { branchPath, ok, type Frame, type ScopeOutcome, type StepOutcome } from '../frame';
import { failure, StepFailure } from '../retry';
import { RunStopped } from '../runtime';
import type { StepApi } from '../stepApi';

export function bodyOf(ctx: StepApi, name: string): CompiledScope {
  return ctx.bodies().get(name)!;
}

/** A controller for the container's children: aborts with the parent, and on its own when a child fails. */
export function childController(ctx: StepApi): AbortController {
  const controller = new AbortController();
  const parent = ctx.signal;
  if (parent.aborted) controller.abort(parent.reason);
  else parent.addEventListener('abort', () => controller.abort(parent.reason), { once: true });
  return controller;
}

export function throwIfFailed(outcome: ScopeOutcome): unknown {
  if (outcome.status === 'failed') throw new StepFailure(outcome.error);
  return outcome.output;
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
