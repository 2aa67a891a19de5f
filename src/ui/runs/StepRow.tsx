import type { RunRecord, StepRecord } from '../../engine/records';
import { useExecutor } from '../ExecutorContext';
import { useUi } from '../state';
import { StepLink } from '../routing/RunAddress';
import { useStepSelection } from '../routing/useStepSelection';
import { formatDuration, formatJson, pathDepth, STATUS_LABEL } from './format';
import { Attempts, hasRetries, listAttempts } from './Attempts';
import { LlmDetails } from './LlmDetails';
import { WaitBanner, waitsOfStep } from './WaitBanner';
import { PinnedStepMark } from '../pins/PinMarks';
import { useStepDuration } from './StepDuration';

interface StepRowProps {
  run: RunRecord;
  step: StepRecord;
  onError(error: unknown): void;
  /** Effects recorded inside the step (model rounds, tool calls). */
  effects?: StepRecord[];
  /** The step's name in the workflow, shown before its slug. */
  name?: string | undefined;
}

/** One step execution: status, attempts, output or error, and what an operator can do with it. */
export function StepRow({ run, step, onError, effects = [], name }: StepRowProps) {
  const { selected, rowRef } = useStepSelection(run, step);
  const duration = useStepDuration(run, step);
  const listed = listAttempts(step, effects);
  const retried = hasRetries(listed);
  const waits = waitsOfStep(run, step.key);
  const backoffMs = listed.reduce((sum, l) => sum + Math.max(0, l.waitedMs ?? 0), 0);
  return (
    <li
      ref={rowRef}
      className={`step-row status-${step.status}${selected ? ' step-row-selected' : ''}`}
      aria-current={selected ? 'step' : undefined}
      data-step-slug={step.slug}
      data-step-key={step.key}
      data-status={step.status}
      style={{ marginLeft: `${pathDepth(step.path) * 20}px` }}>
      <div className="step-head">
        <span className={`status-dot status-${step.status}`} aria-hidden />
        {name ? (
          <>
            <span className="step-name">{name}</span>
            <code className="step-slug muted">{step.slug}</code>
          </>
        ) : (
          <span className="step-name">{step.slug}</span>
        )}
        {step.path && <span className="step-path muted">{step.path}</span>}
        <span className="step-type muted">{step.stepType}</span>
        <span className={`status-label status-${step.status}`}>{STATUS_LABEL[step.status]}</span>
        <PinnedStepMark step={step} />
        <StepLink run={run} step={step} selected={selected} />
        {duration && (
          <span className="muted step-took">
            took {duration}
            {backoffMs > 0 ? `, ${formatDuration(backoffMs)} of it waiting to retry` : ''}
          </span>
        )}
        {retried && <span className="muted">{listed.length} attempts</span>}
        {step.wakeAt !== undefined && step.status !== 'completed' && waits.length === 0 && (
          <span className="muted">until {new Date(step.wakeAt).toLocaleTimeString()}</span>
        )}
        {/* The selected step's actions are in its inspector's header. */}
        {!selected && <StepActions run={run} step={step} onError={onError} />}
      </div>
      {/* Each wait is answered on the row of the step it arose in (a tool call's, on its LLM step). */}
      {waits.map((wait) => (
        <WaitBanner key={`${wait.kind}:${wait.stepKey}`} run={run} wait={wait} onError={onError} />
      ))}
      {step.stepType === 'llm' && <LlmDetails step={step} effects={effects} />}
      <Attempts step={step} effects={effects} />
      {step.error && <StepError step={step} />}
      {step.status === 'completed' && step.output !== undefined && (
        <details className="step-output">
          <summary>Output{step.meta?.provider === 'demo' ? ' (demo model)' : ''}</summary>
          <pre>{formatJson(step.output)}</pre>
        </details>
      )}
      {step.attempts.some((a) => a.partialText) && (
        <details className="step-output">
          <summary>Earlier attempts</summary>
          <pre>
            {step.attempts
              .filter((a) => a.partialText)
              .map((a) => `#${a.n} (${a.outcome}): ${a.partialText}`)
              .join('\n\n')}
          </pre>
        </details>
      )}
    </li>
  );
}

/** The step's error; a model step whose key was refused (or is missing) links to that provider's settings. */
function StepError({ step }: { step: StepRecord }) {
  return (
    <p className="step-error" role="note">
      {step.error!.message} <span className="muted">({step.error!.category})</span> <KeySettingsLink step={step} />
    </p>
  );
}

/** "Check the key in Settings" for an LLM step that failed on its key; nothing for any other step. */
export function KeySettingsLink({ step }: { step: StepRecord }) {
  const openDialog = useUi((s) => s.openDialog);
  if (step.stepType !== 'llm' || step.error?.category !== 'auth') return null;
  const provider = (step.input as { provider?: unknown } | undefined)?.provider;
  return (
    <button
      type="button"
      className="link-button"
      onClick={() => openDialog({ kind: 'settings', provider: typeof provider === 'string' ? provider : '' })}>
      Check the key in Settings
    </button>
  );
}

/** Restart from a finished step, or fork the run with its output edited (durable runs only). */
export function StepActions({ run, step, onError }: Pick<StepRowProps, 'run' | 'step' | 'onError'>) {
  const executor = useExecutor();
  const openDialog = useUi((s) => s.openDialog);
  const finished = step.status === 'completed' || step.status === 'failed' || step.status === 'cancelled';
  // A run opened from a bundle is read-only: Replay re-runs it.
  if (!finished || run.mode === 'direct' || run.importedFrom) return null;
  return (
    <span className="step-actions">
      <button
        type="button"
        className="link-button"
        onClick={() => executor.restartFrom(run.id, step.key).catch(onError)}>
        Restart from here
      </button>
      {step.status === 'completed' && (
        <button
          type="button"
          className="link-button"
          onClick={() => openDialog({ kind: 'fork', runId: run.id, stepKey: step.key, output: step.output })}>
          Fork…
        </button>
      )}
    </span>
  );
}
