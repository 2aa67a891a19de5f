import type { RunRecord, StepRecord } from '../../engine/records';
import { hostOfUrl } from '../../schema/hosts';
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
      {effects.filter((e) => e.status === 'waiting').map((e) => <WaitingActions key={e.key} run={run} step={e} onError={onError} />)}
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

/** Approvals and host confirmations are answered right on the waiting step (a tool call's, on its LLM step). */
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
  const consent = hostConsentOf(step);
  return consent ? <HostConsent run={run} consent={consent} onError={onError} /> : null;
}

interface Consent {
  host: string;
  secrets: string[];
}

/**
 * What a step waiting for a host confirmation asks: an http step or an http_request tool call names
 * the URL in its input (the host in the normal form the engine waits under) and the secrets it sends.
 */
function hostConsentOf(step: StepRecord): Consent | undefined {
  if (step.status !== 'waiting') return undefined;
  const input = (step.input ?? {}) as { url?: unknown; sendsSecrets?: unknown; tool?: unknown; args?: { url?: unknown } };
  const url = step.stepType === 'action' ? input.url : step.stepType === 'tool' && input.tool === 'http_request' ? input.args?.url : undefined;
  const host = typeof url === 'string' ? hostOfUrl(url) : undefined;
  if (host === undefined) return undefined;
  const secrets = Array.isArray(input.sendsSecrets) ? input.sendsSecrets.filter((n): n is string => typeof n === 'string') : [];
  return { host, secrets };
}

function HostConsent({ run, consent, onError }: { run: RunRecord; consent: Consent; onError(error: unknown): void }) {
  const executor = useExecutor();
  const { host, secrets } = consent;
  return (
    <div className="step-waiting" data-testid="host-consent" data-host={host}>
      <p>This workflow wants to send a request to <strong>{host}</strong>
        {secrets.length > 0 && <>, with the secret{secrets.length > 1 ? 's' : ''} {secrets.map((name, i) => <span key={name}>{i > 0 ? ', ' : ''}<code>{name}</code></span>)}</>}.
        {' '}Allow it (remembered for this workflow)?</p>
      <button type="button" className="button button-primary button-small" onClick={() => executor.confirmHost(run.id, host, true).catch(onError)}>Allow {host}</button>
      <button type="button" className="button button-small" onClick={() => executor.confirmHost(run.id, host, false).catch(onError)}>Refuse</button>
    </div>
  );
}
