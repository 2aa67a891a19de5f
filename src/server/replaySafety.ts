import type { WorkflowFile } from '../schema/workflow';

/**
 * DBOS numbers a workflow's operations in the order they are issued. Branches that run at once and each issue
 * several operations would interleave differently after a crash, so a run holding such a container is refused
 * (their mapping to child workflows is not built yet). One step per branch is safe: the engine issues the branches'
 * steps one at a time, in branch order (`maxParallelism: 1`). Returns why the workflow cannot run here, if so.
 */
export function replayUnsafeStep(workflow: WorkflowFile): string | undefined {
  return unsafeIn(asSteps((workflow as { stepsConfig?: unknown }).stepsConfig), 'stepsConfig');
}

function unsafeIn(steps: Record<string, unknown>[], path: string): string | undefined {
  for (const [index, step] of steps.entries()) {
    const at = `${path}[${index}]`;
    const config = (step.config ?? {}) as Record<string, unknown>;
    const slug = String(step.stepSlug);
    if (step.stepType === 'parallel') {
      const branches = Object.entries((config.branches ?? {}) as Record<string, unknown>);
      for (const [name, body] of branches) {
        const branch = asSteps(body);
        if (branch.length > 1) return refusal(slug, `its branch "${name}" has ${branch.length} steps`);
        const inner = unsafeIn(branch, `${at}.config.branches.${name}`);
        if (inner) return inner;
      }
    }
    if (step.stepType === 'loop') {
      const body = asSteps(config.steps);
      const concurrency = typeof config.concurrency === 'number' ? config.concurrency : 1;
      if (concurrency > 1 && body.length > 1) {
        return refusal(slug, `it runs ${concurrency} iterations of ${body.length} steps at once`);
      }
      const inner = unsafeIn(body, `${at}.config.steps`);
      if (inner) return inner;
    }
  }
  return undefined;
}

function refusal(slug: string, why: string): string {
  return (
    `step "${slug}" cannot run on the server yet: ${why}, and branches of several steps running at once are ` +
    'not replay-safe on DBOS (one step per branch, or a loop with concurrency 1, is)'
  );
}

function asSteps(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((s): s is Record<string, unknown> => typeof s === 'object' && !!s) : [];
}
