import type { Step, StepType } from '../schema/steps';
import type { CompiledScope } from './compile';
import type { Frame, Next, ScopeOutcome, StepOutcome } from './frame';
import { pinnedOutcome } from './pins';
import { stepKey, type RunRecord, type StepRecord } from './records';
import { replayOrRun } from './replay';
import { toStepError } from './retry';
import { RunStopped } from './runtime';
import type { HandlerTable, StepApi, StepHandler } from './stepApi';

/** A step instance being run: the port its handler gets, and how the run records its end. */
export interface OpenStep {
  api: StepApi;
  finish(outcome: StepOutcome): void;
  /** A step abandoned because its parallel branch lost: shown as cancelled, re-run if ever replayed. */
  markCancelled(): void;
}

/** What `runScope` needs from the run it interprets, and nothing more. */
export interface ScopeHost {
  readonly runId: string;
  readonly run: RunRecord;
  readonly handlers: HandlerTable;
  /** Trigger slugs that end the run when reached. */
  readonly terminals: ReadonlySet<string>;
  record(key: string): StepRecord | undefined;
  /** Before each step: throws when the run stopped; waits while it is paused. */
  gate(frame: Frame): Promise<void>;
  open(step: Step, frame: Frame, key: string, existing: StepRecord | undefined, logicalNow: number): OpenStep;
  /** "Run to here": whether the run ends after this step instance. */
  stopsAfter(slug: string, path: string): boolean;
  /** The run is stopping: the error to throw instead of recording `error` as the step's failure. */
  stopping(error: unknown): RunStopped | undefined;
}

/**
 * Walks one body of steps: run a step, follow its branch, until a path ends. Recorded steps return
 * their recorded outcome at once, so after a reload this replays to the first unfinished step.
 */
export async function runScope(
  host: ScopeHost,
  scope: CompiledScope,
  frame: Frame,
  startTime: number,
  /** A step of `scope` whose record finished: the walk replays it and goes on (a resume from the journal's end). */
  from?: Step,
): Promise<ScopeOutcome> {
  let step: Step | undefined = from ?? scope.entry;
  let output: unknown;
  let time = startTime;
  while (step) {
    await host.gate(frame);
    const { outcome, endedAt } = await executeStep(host, step, frame, time);
    time = endedAt;
    const terminal = host.terminals.has(step.stepSlug);
    // A terminal trigger without data leaves the run's output at the last step's output.
    if (outcome.status === 'ok' && !(terminal && outcome.output === undefined)) output = outcome.output;
    if (terminal) return { status: 'ok', output, terminal: true };
    if (host.stopsAfter(step.stepSlug, frame.path))
      return outcome.status === 'ok'
        ? { status: 'ok', output, terminal: true }
        : { status: 'failed', error: outcome.error };
    const next = followBranch(step, outcome);
    if (next.kind === 'fail') return { status: 'failed', error: next.error };
    step = next.kind === 'end' ? undefined : scope.steps.get(next.slug);
  }
  return { status: 'ok', output, terminal: false };
}

/**
 * Branch rules: success → `success`, else `default`; failure → `failure`, else the run fails;
 * timeout → `timeout`, else `failure`, else the run fails. No matching key and no default ends the path.
 */
export function followBranch(step: Step, outcome: StepOutcome): Next {
  const next = step.nextSteps ?? {};
  // Own keys only: a branch named "constructor" must not find Object.prototype.constructor.
  const target = (...keys: string[]) =>
    keys.map((key) => (Object.hasOwn(next, key) ? next[key] : undefined)).find((slug) => slug !== undefined);
  const slug =
    outcome.status === 'ok'
      ? target(outcome.branch ?? 'success', 'default')
      : target(...(outcome.status === 'timeout' ? ['timeout', 'failure'] : ['failure']));
  if (slug !== undefined) return { kind: 'step', slug };
  return outcome.status === 'ok' ? { kind: 'end' } : { kind: 'fail', error: outcome.error };
}

/** Runs one step instance, or returns its recorded outcome; `logicalNow` is the previous step's end. */
async function executeStep(
  host: ScopeHost,
  step: Step,
  frame: Frame,
  logicalNow: number,
): Promise<{ outcome: StepOutcome; endedAt: number }> {
  const key = stepKey(host.runId, step.stepSlug, frame.path);
  const outcome = await replayOrRun(host.record(key), (existing) => {
    const open = host.open(step, frame, key, existing, logicalNow);
    const pinned = pinnedOutcome(host.run, step.stepSlug);
    return pinned ? Promise.resolve(finishPinned(open, pinned)) : runHandler(host, step, open);
  });
  return { outcome, endedAt: host.record(key)?.endedAt ?? logicalNow };
}

/** A pinned step is journaled completed with its pin as output; its handler (and effect) never runs. */
function finishPinned(open: OpenStep, outcome: StepOutcome): StepOutcome {
  open.api.setMeta({ pinned: true });
  open.finish(outcome);
  return outcome;
}

async function runHandler(host: ScopeHost, step: Step, open: OpenStep): Promise<StepOutcome> {
  let outcome: StepOutcome;
  try {
    const handler = host.handlers[step.stepType] as StepHandler<StepType>;
    outcome = await handler(step as never, open.api);
  } catch (error) {
    if (error instanceof RunStopped && error.reason === 'branch-lost') open.markCancelled();
    const stopped = host.stopping(error);
    if (stopped) throw stopped;
    const stepError = toStepError(error);
    outcome =
      stepError.category === 'timeout'
        ? { status: 'timeout', error: stepError }
        : { status: 'failed', error: stepError };
  }
  open.finish(outcome);
  return outcome;
}
