import { DBOS, type DBOSClient } from '@dbos-inc/dbos-sdk';
import { eventName, eventNameProblem } from '../engine/events';
import { branchPath } from '../engine/frame';
import { stepKey } from '../engine/records';
import type { EventMessage } from './dbosRuntime';
import type { ServerRunStore } from './tables';

/**
 * Answers (`approve`, `send`) for steps inside multi-step branches, which wait in their branch's child workflow. A
 * message sent to a workflow waits there until that workflow receives it, so an answer sent early must reach the
 * workflow that will wait: `approve` sends to the branch's child workflow once it exists (`pendingBranchFor`), and
 * a parent starting a child forwards the answers already sent to it for the steps of the child's body
 * (`forwardAnswers`).
 */

/** A step as the workflow file spells it, as far as its answers go. */
interface StepShape {
  stepSlug: string;
  stepType: string;
  config?: { event?: unknown; steps?: StepShape[]; branches?: Record<string, StepShape[]> };
}

function stepsBySlug(steps: readonly StepShape[], found = new Map<string, StepShape>()): Map<string, StepShape> {
  for (const step of steps) {
    found.set(step.stepSlug, step);
    for (const body of [step.config?.steps ?? [], ...Object.values(step.config?.branches ?? {})])
      stepsBySlug(body, found);
  }
  return found;
}

/**
 * The topics the steps of a body at `path` wait on whose place is known before it runs: its approvals and named
 * events, and those of the parallel branches inside it (a loop's iterations inside it get theirs when they start).
 */
function topicsOf(steps: readonly StepShape[], runId: string, path: string): string[] {
  return steps.flatMap((step): string[] => {
    if (step.stepType === 'approval')
      return [eventName({ kind: 'approval', stepKey: stepKey(runId, step.stepSlug, path) })];
    const named = step.config?.event;
    if (step.stepType === 'event' && typeof named === 'string' && !eventNameProblem(named)) return [named];
    if (step.stepType !== 'parallel') return [];
    return Object.entries(step.config?.branches ?? {}).flatMap(([name, body]) =>
      topicsOf(body, runId, branchPath(path, step.stepSlug, name)),
    );
  });
}

/** The answer topics of the branch body (its step slugs) at `path` of run `runId`, from the run's definition. */
export function branchTopics(store: ServerRunStore, runId: string, path: string, slugs: readonly string[]): string[] {
  const run = store.data.runs.get(runId);
  const definition = run && store.data.definitions.get(run.workflowHash)?.definition;
  const steps = stepsBySlug((definition?.stepsConfig ?? []) as unknown as StepShape[]);
  const body = slugs.flatMap((slug) => steps.get(slug) ?? []);
  return [...new Set(topicsOf(body, runId, path))];
}

/**
 * Inside the parent's workflow, once the child exists: each answer already sent to the parent for the child's topics
 * is received here and sent on to the child (both recorded operations of the parent, in a fixed order: a replay
 * forwards the same ones).
 */
export async function forwardAnswers(childId: string, topics: readonly string[]): Promise<void> {
  for (const topic of topics) {
    const message = await DBOS.recv<EventMessage>(topic, 0);
    if (message) await DBOS.send(childId, message, topic);
  }
}

/**
 * Where an approval for a step inside a multi-step branch goes while nothing waits for it yet: the innermost
 * branch child workflow on its path that exists and has not ended (undefined: none, the run itself).
 */
export async function pendingBranchFor(client: DBOSClient, runId: string, topic: string): Promise<string | undefined> {
  const prefix = eventName({ kind: 'approval', stepKey: `${runId}:` });
  if (!topic.startsWith(prefix)) return undefined;
  const key = topic.slice(prefix.length);
  const path = key.slice(key.indexOf('@') + 1);
  if (path === '') return undefined;
  const segments = path.split('/');
  for (let end = segments.length; end > 0; end--) {
    const candidate = `${runId}:${segments.slice(0, end).join('/')}`;
    const status = await client.getWorkflow(candidate);
    if (status && (status.status === 'PENDING' || status.status === 'ENQUEUED')) return candidate;
  }
  return undefined;
}
