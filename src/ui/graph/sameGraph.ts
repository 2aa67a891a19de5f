import { childBodies, type Step } from '../../schema/steps';
import { isObject } from '../../schema/walk';
import type { WorkflowFile } from '../../schema/workflow';
import { sameJson } from '../document/documentText';
import { summarizeStep } from './stepSummary';

/**
 * Whether two files draw the same graph: the same steps in the same bodies, with the same slugs,
 * types, names, summaries and `nextSteps`. An edit shares every step it did not touch, so this
 * looks only at the changed ones (a keystroke in a prompt: one step, no summary change).
 */
export function drawsTheSame(a: WorkflowFile, b: WorkflowFile): boolean {
  return sameBody(a.stepsConfig as Step[], b.stepsConfig as Step[]);
}

function sameBody(a: readonly Step[], b: readonly Step[]): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    // A step that is not an object (a broken draft) is never the same: the graph is built again.
    const objects = isObject(a[i] as unknown) && isObject(b[i] as unknown);
    if (!objects || !sameStep(a[i]!, b[i]!)) return false;
  }
  return true;
}

function sameStep(a: Step, b: Step): boolean {
  if (a.stepSlug !== b.stepSlug || a.stepType !== b.stepType || a.name !== b.name) return false;
  if (!sameJson(a.nextSteps, b.nextSteps) || summarizeStep(a) !== summarizeStep(b)) return false;
  const before = childBodies(a);
  const after = childBodies(b);
  return (
    before.length === after.length &&
    before.every((body, i) => body.name === after[i]!.name && sameBody(body.steps, after[i]!.steps))
  );
}
