import type { RunRecord, StepRecord } from '../../engine/records';
import { useExecutor } from '../ExecutorContext';
import { useUi } from '../state';
import { formatDuration, formatJson, pathDepth, STATUS_LABEL } from './format';
import { LlmDetails } from './LlmDetails';

interface StepRowProps {
  run: RunRecord;
  step: StepRecord;
  onError(error: unknown): void;
  /** Effects recorded inside the step (model rounds, tool calls). */
  effects?: StepRecord[];
}

/** One step execution: status, attempts, output or error, and what an operator can do with it. */
export function StepRow({ run, step, onError, effects = [] }: StepRowProps) {
  const duration = step.endedAt !== undefined ? formatDuration(step.endedAt - step.startedAt) : undefined;
  const failedAttempts = step.attempts.filter((a) => a.outcome !== 'ok' && a.outcome !== 'running').length;
  return (
    <li className={`step-row status-${step.status}`} data-step-slug={step.slug} data-step-key={step.key} data-status={step.status}
      style={{ marginLeft: `${pathDepth(step.path) * 20}px` }}>
      <div className="step-head">
        <span className={`status-dot status-${step.status}`} aria-hidden />
        <span className="step-name">{step.slug}</span>
        {step.path && <span className="step-path muted">{step.path}</span>}
        <span className="step-type muted">{step.stepType}</span>
        <span className={`status-label status-${step.status}`}>{STATUS_LABEL[step.status]}</span>
        {step.attempts.length > 1 && <span className="muted">attempt {step.attempts.length}{failedAttempts ? ` (${failedAttempts} failed)` : ''}</span>}
        {duration && <span className="muted">{duration}</span>}
        {step.wakeAt !== undefined && step.status !== 'completed' && <span className="muted">until {new Date(step.wakeAt).toLocaleTimeString()}</span>}
        <StepActions run={run} step={step} onError={onError} />
      </div>
      {step.status === 'waiting' && <WaitingActions run={run} step={step} onError={onError} />}
      {step.stepType === 'llm' && <LlmDetails step={step} effects={effects} />}
      {step.error && <p className="step-error" role="note">{step.error.message} <span className="muted">({step.error.category})</span></p>}
      {step.status === 'completed' && step.output !== undefined && (
        <details className="step-output">
          <summary>Output{step.meta?.provider === 'demo' ? ' (demo model)' : ''}</summary>
          <pre>{formatJson(step.output)}</pre>
        </details>
      )}
      {step.attempts.some((a) => a.partialText) && (
        <details className="step-output"><summary>Earlier attempts</summary>
          <pre>{step.attempts.filter((a) => a.partialText).map((a) => `#${a.n} (${a.outcome}): ${a.partialText}`).join('\n\n')}</pre>
        </details>
      )}
    </li>
  );
}

function StepActions({ run, step, onError }: StepRowProps) {
  const executor = useExecutor();
  const openDialog = useUi((s) => s.openDialog);
  const finished = step.status === 'completed' || step.status === 'failed' || step.status === 'cancelled';
  if (!finished || run.mode === 'direct') return null;
  return (
    <span className="step-actions">
      <button type="button" className="link-button" onClick={() => executor.restartFrom(run.id, step.key).catch(onError)}>Restart from here</button>
      {step.status === 'completed' && (
        <button type="button" className="link-button" onClick={() => openDialog({ kind: 'fork', runId: run.id, stepKey: step.key, output: step.output })}>Fork…</button>
      )}
    </span>
  );
}

/** Approvals and host confirmations are answered right on the waiting step. */
function WaitingActions({ run, step, onError }: StepRowProps) {
  const executor = useExecutor();
  if (step.stepType === 'approval') {
    const prompt = (step.input as { prompt?: string } | undefined)?.prompt;
    return (
      <div className="step-waiting">
        <p>{prompt ?? 'Approve this step?'}</p>
        <button type="button" className="button button-primary button-small" onClick={() => executor.approve(run.id, step.key, true).catch(onError)}>Approve</button>
        <button type="button" className="button button-small" onClick={() => executor.approve(run.id, step.key, false).catch(onError)}>Reject</button>
      </div>
    );
  }
  const url = (step.input as { url?: string } | undefined)?.url;
  if (step.stepType === 'action' && url && run.waitingFor?.includes('confirmation to contact')) {
    const host = new URL(url).host;
    return (
      <div className="step-waiting">
        <p>This workflow wants to send a request to <strong>{host}</strong>. Allow it (remembered for this workflow)?</p>
        <button type="button" className="button button-primary button-small" onClick={() => executor.confirmHost(run.id, host, true).catch(onError)}>Allow {host}</button>
        <button type="button" className="button button-small" onClick={() => executor.confirmHost(run.id, host, false).catch(onError)}>Refuse</button>
      </div>
    );
  }
  return null;
}
