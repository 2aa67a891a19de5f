import type { RunRecord, StepRecord } from '../../engine/records';
import { pinnedSlugs, useWorkflowPins } from './usePins';
import './pins.css';

/** On a step's row and panel: "pinned" (the pin was its output, it did not run), or its input copied from a run. */
export function PinnedStepMark({ step }: { step: StepRecord }) {
  if (step.meta?.pinned)
    return (
      <span className="pin-badge" data-testid="step-pinned" title="The workflow's pinned output: this step did not run">
        pinned
      </span>
    );
  if (step.meta?.copiedFrom === undefined) return null;
  return (
    <span className="pin-badge pin-badge-copied" title={`Copied from ${step.meta.copiedFrom}: this step did not run`}>
      from an earlier run
    </span>
  );
}

/** How a run started from the editor differs from a plain run, in words (empty for a plain run). */
export function describeIteration(run: RunRecord): string[] {
  const notes: string[] = [];
  const pinned = Object.keys(run.pins ?? {}).length;
  if (pinned > 0) notes.push(`${pinned} step${pinned === 1 ? '' : 's'} pinned`);
  const partial = run.partial;
  if (partial?.kind === 'step-only') notes.push(`ran only ${partial.slug}`);
  if (partial?.kind === 'up-to')
    notes.push(
      partial.reached
        ? `stopped after ${partial.slug}`
        : run.finishedAt === undefined
          ? `runs to ${partial.slug}`
          : `did not reach ${partial.slug}`,
    );
  return notes;
}

/** The run header's note: "2 steps pinned · stopped after draft". */
export function RunIterationNote({ run }: { run: RunRecord }) {
  const notes = describeIteration(run);
  if (notes.length === 0) return null;
  const slugs = Object.keys(run.pins ?? {});
  return (
    <span
      className="pin-run-note"
      data-testid="run-iteration"
      title={slugs.length ? `Pinned: ${slugs.join(', ')}` : ''}>
      {notes.join(' · ')}
    </span>
  );
}

/** The runs list's badges for a run started as Run this step / Run to here, or with pins. */
export function IterationBadges({ run }: { run: RunRecord }) {
  const pinned = Object.keys(run.pins ?? {}).length;
  return (
    <>
      {pinned > 0 && (
        <span className="badge" title={`Pinned: ${Object.keys(run.pins!).join(', ')}`}>
          {pinned} pinned
        </span>
      )}
      {run.partial?.kind === 'step-only' && <span className="badge">only {run.partial.slug}</span>}
      {run.partial?.kind === 'up-to' && <span className="badge">to {run.partial.slug}</span>}
    </>
  );
}

/** In the run form: which pinned outputs the run will use. */
export function RunFormPinsNote({ workflowId }: { workflowId: string }) {
  const state = useWorkflowPins(workflowId);
  const slugs = pinnedSlugs(state);
  if (state.status === 'ready' && state.problem)
    return (
      <p className="form-error" role="alert">
        {state.problem}
      </p>
    );
  if (slugs.length === 0) return null;
  return (
    <p className="muted run-form-note" data-testid="run-form-pins">
      Uses {slugs.length === 1 ? 'the pinned output' : 'pinned outputs'} of {slugs.join(', ')} instead of running{' '}
      {slugs.length === 1 ? 'that step' : 'those steps'} (unpin in the Graph tab&apos;s step panel).
    </p>
  );
}
