import type { RunRecord, StepRecord } from '../../engine/records';
import { pinStep, unpinStep } from '../../store/pins';
import { useDb } from '../DbContext';
import { useUi } from '../state';
import { IterateButtons } from './PinsContext';
import { PinnedStepMark } from './PinMarks';
import { useWorkflowPins } from './usePins';
import './pins.css';

interface StepPinActionsProps {
  run: RunRecord;
  step: StepRecord;
  onError(error: unknown): void;
}

/**
 * The inspected step's Pin output / Unpin (for later runs of its workflow started from the editor),
 * and Run this step (on this run's outputs) / Run to here, for a step at the top level.
 */
export function StepPinActions({ run, step, onError }: StepPinActionsProps) {
  const db = useDb();
  const showToast = useUi((s) => s.showToast);
  const pins = useWorkflowPins(run.workflowId);
  const workflowId = run.workflowId;
  if (workflowId === undefined || step.kind !== 'step' || pins.status === 'loading' || run.mode === 'direct')
    return null;
  const pinned = Object.hasOwn(pins.pins, step.slug);
  const pin = () =>
    pinStep(db, workflowId, step.slug, {
      output: step.output,
      branch: step.branch,
      source: { kind: 'run', runId: run.id, stepKey: step.key },
    }).then(() => showToast({ message: `Pinned the output of ${step.slug}: later runs use it`, tone: 'success' }));
  const unpin = () => unpinStep(db, workflowId, step.slug).then(() => showToast({ message: `Unpinned ${step.slug}` }));
  return (
    <span className="step-actions pin-step-actions">
      <PinnedStepMark step={step} />
      {pinned ? (
        <button type="button" className="link-button" onClick={() => unpin().catch(onError)}>
          Unpin output
        </button>
      ) : (
        step.status === 'completed' && (
          <button type="button" className="link-button" onClick={() => pin().catch(onError)}>
            Pin output
          </button>
        )
      )}
      {/* Run this step takes this run's outputs as its inputs; run to here, this run's input. */}
      {step.path === '' && (
        <IterateButtons
          workflowId={workflowId}
          slug={step.slug}
          inputsFrom={run.id}
          className="link-button"
          onError={onError}
        />
      )}
    </span>
  );
}
