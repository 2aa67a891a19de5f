import type { Problem } from '../../schema/problems';
import { startsWith, type JsonPath } from './path';

/**
 * The problems that belong to the step at `stepPath`: inside its path, but not inside a step of one
 * of its bodies (those show on that step's own form). Same objects, same messages, as the JSON view.
 */
export function problemsOfStep(problems: readonly Problem[], stepPath: JsonPath): Problem[] {
  return problems.filter((p) => startsWith(p.segments, stepPath) && !isInChildStep(p.segments, stepPath));
}

function isInChildStep(segments: JsonPath, stepPath: JsonPath): boolean {
  const at = stepPath.length;
  if (segments[at] !== 'config') return false;
  if (segments[at + 1] === 'steps') return typeof segments[at + 2] === 'number';
  if (segments[at + 1] === 'branches') return typeof segments[at + 3] === 'number';
  return false;
}

/** The problems at `fieldPath` or below it. */
export function problemsAt(problems: readonly Problem[], fieldPath: JsonPath): Problem[] {
  return problems.filter((p) => startsWith(p.segments, fieldPath));
}
