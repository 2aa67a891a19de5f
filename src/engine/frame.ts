import type { StepError } from './records';

/**
 * The interpreter's vocabulary, shared by the driver, the step context and the handlers: where a
 * step instance runs, how it ended, where its path goes next, and how paths are spelled. A leaf:
 * it imports nothing of the engine but the records' types.
 */

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
  { status: 'ok'; output: unknown; terminal: boolean } | { status: 'failed'; error: StepError };

/** Where a path goes after a step: a step of the same body, the end of the path, or the run's failure. */
export type Next = { kind: 'step'; slug: string } | { kind: 'end' } | { kind: 'fail'; error: StepError };

export const ok = (output: unknown, branch?: string): StepOutcome =>
  branch === undefined ? { status: 'ok', output } : { status: 'ok', output, branch };

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

/**
 * The key of an effect inside a step (an LLM round `r2`, a tool call `r2/tool0`): the step's key, a slash, the name.
 */
export function effectKey(parentKey: string, name: string): string {
  return `${parentKey}/${name}`;
}
