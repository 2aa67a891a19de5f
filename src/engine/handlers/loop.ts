import type { StepOf } from '../../schema/steps';
import { iterationPath, ok, type Frame, type StepOutcome } from '../frame';
import type { StepRecord } from '../records';
import { failure } from '../retry';
import { RunStopped } from '../runtime';
import type { StepApi } from '../stepApi';
import { bodyOf, childController, throwIfFailed } from './containers';

const DEFAULT_MAX_ITERATIONS = 50;

type Iterate = (index: number, item: unknown) => Promise<unknown>;
type Recorded = NonNullable<NonNullable<StepRecord['meta']>['loopProgress']>;

/**
 * A top-level loop's progress, kept on its record as iterations finish (`meta.loopProgress`): iterations before
 * `done` finished, and every record of iteration `done - 1` and later ones has seq ≥ `fromSeq`. A resume reads the
 * journal from there (`frontier.ts`): the loop replays iteration `done - 1` (what `loop.previous` and a `while`
 * read) and goes on; the iterations before it replay last, from the rest of the journal, for the loop's output.
 */
class LoopProgress {
  /** Where each iteration's records start: the next seq when it began, or the recorded floor when it had records. */
  private readonly startSeqs = new Map<number, number>();
  private readonly finishedAhead = new Set<number>();
  private done: number;
  private readonly recorded: Recorded | undefined;
  /**
   * No record of a resumed iteration is older: the recorded floor, else the journal's start (a restart inside the
   * loop records the loop again after iterations it keeps).
   */
  private readonly floor: number;

  constructor(
    private readonly ctx: StepApi,
    private readonly bodyEntry: string,
    loop: StepRecord,
  ) {
    this.recorded = loop.meta?.loopProgress;
    this.floor = this.recorded?.fromSeq ?? 0;
    this.done = this.recorded ? this.recorded.done - 1 : 0;
  }

  /** The first iteration this pass runs; the ones before it replay at the end (`replaySkipped`). */
  get first(): number {
    return this.recorded ? this.recorded.done - 1 : 0;
  }

  started(index: number, path: string): void {
    // An iteration with records from before a resume has them at or after the floor; a new one from the next seq on.
    const resumed = this.ctx.hasRecordAt(this.bodyEntry, path);
    this.startSeqs.set(index, resumed ? this.floor : this.ctx.run.nextSeq);
  }

  /** Once every iteration before `done` finished, the loop's record says so, queued with the iteration's end. */
  finished(index: number): void {
    this.finishedAhead.add(index);
    let done = this.done;
    while (this.finishedAhead.delete(done)) done++;
    if (done === this.done) return;
    this.done = done;
    const fromSeq = this.startSeqs.get(done - 1)!;
    for (const started of this.startSeqs.keys()) if (started < done - 1) this.startSeqs.delete(started);
    // The replayed iteration brings back what is recorded: writing it again is no progress (a resume on a full
    // disk would count that write as the run going on).
    if (this.recorded && done === this.recorded.done && fromSeq === this.recorded.fromSeq) return;
    this.ctx.checkpoint({ loopProgress: { done, fromSeq } });
  }

  /** The iterations a resume skipped finished before it: their outputs replay from the rest of the journal. */
  async replaySkipped(results: unknown[], replay: (index: number) => Promise<unknown>): Promise<void> {
    if (this.first === 0) return;
    await this.ctx.loadHistory();
    for (let index = 0; index < this.first; index++) results[index] = await replay(index);
  }
}

export async function loopHandler(step: StepOf<'loop'>, ctx: StepApi): Promise<StepOutcome> {
  const controller = childController(ctx);
  const body = bodyOf(ctx, 'body');
  const frameOf = (index: number, item: unknown): Frame => ({
    path: iterationPath(ctx.frame.path, step.stepSlug, index),
    loop: { item, index, containerPath: ctx.frame.path, slug: step.stepSlug },
    signal: controller.signal,
  });
  const replay: Iterate = (index, item) => ctx.runBody(body, frameOf(index, item)).then(throwIfFailed);
  const items = step.config.forEach === undefined ? undefined : listToIterate(step, ctx);
  // The list's length is on the loop's record from its start: the run shows iterations done of it.
  const record = ctx.begin(items ? { meta: { items: items.length } } : {});
  // Only a top-level loop records its progress: a resume's journal read starts at the top level.
  const progress = ctx.frame.path === '' ? new LoopProgress(ctx, body.entry.stepSlug, record) : undefined;
  const iterate: Iterate = async (index, item) => {
    const frame = frameOf(index, item);
    progress?.started(index, frame.path);
    const output = throwIfFailed(await ctx.runBody(body, frame));
    progress?.finished(index);
    return output;
  };
  const first = progress?.first ?? 0;
  const results = items
    ? await pool(items, first, step.config.concurrency ?? 1, iterate, controller)
    : await whileLoop(step, ctx, first, iterate);
  await progress?.replaySkipped(results, (index) => replay(index, items ? items[index] : results[index - 1]));
  return ok(results);
}

function listToIterate(step: StepOf<'loop'>, ctx: StepApi): unknown[] {
  const items = Array.isArray(step.config.forEach) ? step.config.forEach : ctx.resolve(step.config.forEach);
  if (!Array.isArray(items))
    throw failure('validation', `forEach must resolve to a list, got ${items === null ? 'null' : typeof items}`, false);
  return items;
}

/** Runs `work` over `items` from `first` on, at most `concurrency` at once; the first failure stops the rest. */
async function pool(
  items: unknown[],
  first: number,
  concurrency: number,
  work: Iterate,
  controller: AbortController,
): Promise<unknown[]> {
  const results: unknown[] = new Array(items.length);
  let next = first;
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
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length - first) }, worker));
  if (failed !== undefined) throw failed;
  return results;
}

/**
 * Iterates while the condition holds. A resumed loop starts at iteration `first` (the newest that finished): its
 * condition held then and reads only recorded outputs, so it is not asked again.
 */
async function whileLoop(step: StepOf<'loop'>, ctx: StepApi, first: number, iterate: Iterate): Promise<unknown[]> {
  const results: unknown[] = [];
  const max = step.config.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  const body = ctx.bodies().get('body')!;
  for (let index = first; ; index++) {
    if (index > first || first === 0) {
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
        throw failure(
          'validation',
          `the while loop reached maxIterations (${max}) and its condition still holds`,
          false,
        );
    }
    results[index] = await iterate(index, results[index - 1]);
  }
}
