import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { stepKey, type StepRecord } from '../../engine/records';
import { errorMessage } from '../../schema/errorMessage';
import { clearPins, latestRun, pinStep, unpinStep, type WorkflowPin } from '../../store/pins';
import type { PathSegment } from '../../schema/problems';
import type { WorkflowFile } from '../../schema/workflow';
import { useDb } from '../DbContext';
import { formatJson } from '../runs/format';
import { PinEditor } from './PinEditor';
import { IterateButtons } from './PinsContext';
import { useWorkflowPins } from './usePins';
import './pins.css';

interface PinSectionProps {
  workflowId: string;
  slug: string;
  stepType: string;
  /** Run this step / run to here take a top-level step only. */
  topLevel: boolean;
}

/** The section for the step at `stepPath` (`["stepsConfig", 2]`, or deeper inside a loop or branch). */
export function PinSectionAt({
  file,
  stepPath,
  workflowId,
}: {
  file: WorkflowFile;
  stepPath: PathSegment[];
  workflowId: string;
}) {
  const step = stepAtPath(file, stepPath);
  if (!step) return null;
  return (
    <PinSection
      workflowId={workflowId}
      slug={step.stepSlug}
      stepType={step.stepType}
      topLevel={stepPath.length === 2}
    />
  );
}

function stepAtPath(file: WorkflowFile, path: PathSegment[]): { stepSlug: string; stepType: string } | undefined {
  let node: unknown = file;
  for (const segment of path) node = isRecord(node) && Object.hasOwn(node, segment) ? node[segment] : undefined;
  return isRecord(node) && typeof node.stepSlug === 'string' && typeof node.stepType === 'string'
    ? { stepSlug: node.stepSlug, stepType: node.stepType }
    : undefined;
}

const isRecord = (value: unknown): value is Record<string | number, unknown> =>
  typeof value === 'object' && value !== null;

/**
 * The canvas step panel's part for iterating: the step's pin (shown, edited, removed), pinning the last
 * run's output or a typed one, and Run this step / Run to here.
 */
export function PinSection({ workflowId, slug, stepType, topLevel }: PinSectionProps) {
  const pins = useWorkflowPins(workflowId);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const db = useDb();
  const act = (action: () => Promise<unknown>) => () => {
    setError(null);
    action().catch((failure: unknown) => setError(errorMessage(failure)));
  };
  if (pins.status === 'loading') return null;
  const pin = Object.hasOwn(pins.pins, slug) ? pins.pins[slug] : undefined;
  return (
    <section className="pin-section" aria-label="Pinned output" data-testid="pin-section" data-pinned={!!pin}>
      <h3 className="pin-title">Pinned output {pin && <span className="pin-badge">pinned</span>}</h3>
      {pins.problem && (
        <p className="form-error" role="alert">
          {pins.problem}{' '}
          <button type="button" className="link-button" onClick={act(() => clearPins(db, workflowId))}>
            Clear pins
          </button>
        </p>
      )}
      {pin && !editing && <PinnedValue pin={pin} />}
      {!pin && !editing && (
        <p className="muted pin-note">Not pinned: runs execute this step. A pinned step is not run — its output is.</p>
      )}
      {editing ? (
        <PinEditor
          initial={pin?.output}
          initialBranch={pin?.branch}
          stepType={stepType}
          onCancel={() => setEditing(false)}
          onPin={async (output, branch) => {
            await pinStep(db, workflowId, slug, { output, branch, source: { kind: 'typed' } });
            setEditing(false);
          }}
        />
      ) : (
        <div className="pin-actions">
          <LastRunPin workflowId={workflowId} slug={slug} onPin={(record) => act(() => pinFromRun(record))()} />
          <button type="button" className="button button-small" onClick={() => setEditing(true)}>
            {pin ? 'Edit pin…' : 'Type an output…'}
          </button>
          {pin && (
            <button type="button" className="button button-small" onClick={act(() => unpinStep(db, workflowId, slug))}>
              Unpin
            </button>
          )}
        </div>
      )}
      {topLevel ? (
        <div className="pin-actions" role="group" aria-label="Run part of the workflow">
          <IterateButtons
            workflowId={workflowId}
            slug={slug}
            className="button button-small"
            onError={(failure) => setError(errorMessage(failure))}
          />
        </div>
      ) : (
        <p className="muted pin-note">
          Run this step and Run to here take a step at the top level, not one inside a loop or a branch.
        </p>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );

  function pinFromRun(record: StepRecord) {
    const source = { kind: 'run' as const, runId: record.runId, stepKey: record.key };
    return pinStep(db, workflowId, slug, { output: record.output, branch: record.branch, source });
  }
}

/** The pin's value and where it came from. */
function PinnedValue({ pin }: { pin: WorkflowPin }) {
  const from = pin.source.kind === 'run' ? `from run ${pin.source.runId.slice(0, 8)}` : 'typed';
  return (
    <div className="pin-value">
      <p className="muted pin-note">
        Runs started here use this output instead of running the step ({from}
        {pin.branch ? `, follows “${pin.branch}”` : ''}).
      </p>
      <pre tabIndex={0} aria-label="Pinned output value">
        {formatJson(pin.output)}
      </pre>
    </div>
  );
}

/** "Pin the last run's output", offered when the workflow's latest run completed this step (at the top level). */
function LastRunPin({
  workflowId,
  slug,
  onPin,
}: {
  workflowId: string;
  slug: string;
  onPin(record: StepRecord): void;
}) {
  const db = useDb();
  const record = useLiveQuery(async () => {
    const run = await latestRun(db, workflowId);
    return run ? await db.steps.get(stepKey(run.id, slug, '')) : undefined;
  }, [db, workflowId, slug]);
  if (record?.status !== 'completed') return null;
  return (
    <button type="button" className="button button-small" onClick={() => onPin(record)}>
      Pin the last run&apos;s output
    </button>
  );
}
