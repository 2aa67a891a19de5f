import type { Step, StepOf, StepType } from '../schema/steps';
import type { CompiledScope } from './compile';
import type { StepContext } from './context';
import type { RunDriver } from './driver';
import { stepKey, type StepError, type StepRecord } from './records';
import { toStepError } from './retry';
import { RunStopped } from './runtime';

/** Where a step instance runs: its path (loop indexes, branch names) and what can stop it. */
export interface Frame {
  /** "" at the top, "each[2]", "each[2]/fan.risk"… */
  path: string;
  loop: { item: unknown; index: number; containerPath: string; slug: string } | undefined;
  /** Aborted when this frame's work must stop (run cancelled or paused away, branch lost). */
  signal: AbortSignal;
}

/** How a step ended; `branch` names the nextSteps key a successful outcome follows. */
export type StepOutcome =
  | { status: 'ok'; output: unknown; branch?: string }
  | { status: 'failed'; error: StepError }
  | { status: 'timeout'; error: StepError };

export type ScopeOutcome =
  | { status: 'ok'; output: unknown; terminal: boolean }
  | { status: 'failed'; error: StepError };

/** One handler per step type: the compiler finds every handler to update when a type is added. */
export type StepHandler<T extends StepType> = (step: StepOf<T>, ctx: StepContext) => Promise<StepOutcome>;
export type HandlerTable = { [T in StepType]: StepHandler<T> };

/**
 * Walks one body of steps: run a step, follow its branch, until a path ends. Recorded steps return
 * their recorded outcome at once, so after a reload this replays to the first unfinished step.
 */
export async function runScope(driver: RunDriver, scope: CompiledScope, frame: Frame, startTime: number): Promise<ScopeOutcome> {
  let step: Step | undefined = scope.entry;
  let output: unknown;
  let time = startTime;
  while (step) {
    await driver.gate(frame);
    const { outcome, endedAt } = await executeStep(driver, step, frame, time);
    time = endedAt;
    const terminal = driver.compiled.terminals.has(step.stepSlug);
    // A terminal trigger without data leaves the run's output at the last step's output.
    if (outcome.status === 'ok' && !(terminal && outcome.output === undefined)) output = outcome.output;
    if (terminal) return { status: 'ok', output, terminal: true };
    const next = followBranch(step, outcome);
    if (next.kind === 'fail') return { status: 'failed', error: next.error };
    step = next.kind === 'end' ? undefined : scope.steps.get(next.slug);
  }
  return { status: 'ok', output, terminal: false };
}

/** Where a path goes after a step: a step of the same body, the end of the path, or the run's failure. */
export type Next =
  | { kind: 'step'; slug: string }
  | { kind: 'end' }
  | { kind: 'fail'; error: StepError };

/**
 * Branch rules: success → `success`, else `default`; failure → `failure`, else the run fails;
 * timeout → `timeout`, else `failure`, else the run fails. No matching key and no default ends the path.
 */
export function followBranch(step: Step, outcome: StepOutcome): Next {
  const next = step.nextSteps ?? {};
  // Own keys only: a branch named "constructor" must not find Object.prototype.constructor.
  const target = (...keys: string[]) => keys.map((key) => (Object.hasOwn(next, key) ? next[key] : undefined)).find((slug) => slug !== undefined);
  const slug = outcome.status === 'ok'
    ? target(outcome.branch ?? 'success', 'default')
    : target(...(outcome.status === 'timeout' ? ['timeout', 'failure'] : ['failure']));
  if (slug !== undefined) return { kind: 'step', slug };
  return outcome.status === 'ok' ? { kind: 'end' } : { kind: 'fail', error: outcome.error };
}

/** Runs one step instance, or returns its recorded outcome; `logicalNow` is the previous step's end. */
export async function executeStep(
  driver: RunDriver, step: Step, frame: Frame, logicalNow: number,
): Promise<{ outcome: StepOutcome; endedAt: number }> {
  const key = stepKey(driver.runId, step.stepSlug, frame.path);
  const existing = driver.journal.records.get(key);
  if (existing && isFinished(existing)) return { outcome: recordedOutcome(existing), endedAt: existing.endedAt ?? logicalNow };
  const ctx = driver.contextFor(step, frame, key, existing, logicalNow);
  let outcome: StepOutcome;
  try {
    const handler = driver.handlers[step.stepType] as StepHandler<StepType>;
    outcome = await handler(step as never, ctx);
  } catch (error) {
    if (error instanceof RunStopped && error.reason === 'branch-lost') ctx.markCancelled();
    if (error instanceof RunStopped || driver.stopReason) throw driver.stopError(error);
    const stepError = toStepError(error);
    outcome = stepError.category === 'timeout' ? { status: 'timeout', error: stepError } : { status: 'failed', error: stepError };
  }
  ctx.finish(outcome);
  return { outcome, endedAt: ctx.endedAt };
}

export function isFinished(record: StepRecord): boolean {
  return record.status === 'completed' || record.status === 'failed';
}

function recordedOutcome(record: StepRecord): StepOutcome {
  if (record.status === 'completed') {
    return record.branch === undefined ? { status: 'ok', output: record.output } : { status: 'ok', output: record.output, branch: record.branch };
  }
  const error = record.error ?? { message: 'step failed', category: 'internal' as const, retryable: false };
  return record.branch === 'timeout' ? { status: 'timeout', error } : { status: 'failed', error };
}

/** The path of iteration `index` of the loop `slug` that sits at `containerPath`. */
export function iterationPath(containerPath: string, slug: string, index: number): string {
  return `${containerPath ? `${containerPath}/` : ''}${slug}[${index}]`;
}

export function branchPath(containerPath: string, slug: string, branch: string): string {
  return `${containerPath ? `${containerPath}/` : ''}${slug}.${branch}`;
}

/** "each[2]/fan.risk" → ["each[2]/fan.risk", "each[2]", ""]: where a step's visible outputs live. */
export function enclosingPaths(path: string): string[] {
  const out = [path];
  let current = path;
  while (current !== '') {
    const cut = current.lastIndexOf('/');
    current = cut === -1 ? '' : current.slice(0, cut);
    out.push(current);
  }
  return out;
}
