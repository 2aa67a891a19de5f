import type { ReactNode } from 'react';
import type { RunRecord, StepRecord } from '../../engine/records';
import { STATUS_LABEL } from '../runs/format';
import { useStepDuration } from '../runs/StepDuration';
import { waitsOfStep, WaitBanner } from '../runs/WaitBanner';
import { missingInputReason } from './missingInput';
import { Section } from './parts';
import { StepErrorFacts } from './StepErrorFacts';
import { StepFacts } from './stepFacts';
import { StepRounds } from './StepRounds';
import { StepThread } from './StepThread';
import { useCloseStep } from './useCloseStep';
import { useStepConfig } from './useStepRecords';
import { ValueView } from './ValueView';
import './stepview.css';

export interface StepInspectorProps {
  run: RunRecord;
  step: StepRecord;
  /** Its effects: model rounds and tool calls. */
  effects: readonly StepRecord[];
  /** For a loop or parallel step, the records of the steps inside it. */
  inside: readonly StepRecord[];
  /** The step's name in the workflow. */
  name?: string | undefined;
  onError(error: unknown): void;
  /** Buttons acting on the step (e.g. "Pin output"), shown in the panel's header. */
  actions?: ReactNode;
}

/**
 * Everything recorded about one step of a run: what its type did, its input with templates filled in,
 * its output (tree, text, raw), the live text, rounds and tool calls of an LLM step, the thread messages
 * it saw and wrote, its error with the attempt history and the next retry, tokens and cost.
 */
export function StepInspector({ run, step, effects, inside, name, onError, actions }: StepInspectorProps) {
  const close = useCloseStep(run.id);
  const definition = useStepConfig(run.workflowHash, step.slug);
  const config = definition.status === 'ready' ? definition.config : undefined;
  // A retry's wait is told with the error it follows (StepErrorFacts), the others here with their controls.
  const waits = waitsOfStep(run, step.key).filter((wait) => wait.kind !== 'retry');
  const title = name ?? step.slug;
  const took = useStepDuration(run, step);
  return (
    <aside
      className="step-inspector"
      aria-label={`Step ${title}`}
      data-testid="step-inspector"
      data-step-key={step.key}
      data-step-type={step.stepType}
      data-status={step.status}
      data-state={definition.status}>
      <header className="step-inspector-head">
        <h3>
          {title} {name && <code className="muted">{step.slug}</code>}
        </h3>
        <div className="step-inspector-actions" role="toolbar" aria-label="Step actions">
          {actions}
          <button type="button" className="button button-small" onClick={close}>
            Close
          </button>
        </div>
        <p className="step-inspector-sub">
          <span className="muted">{step.stepType}</span>{' '}
          <span className={`status-label status-${step.status}`}>{STATUS_LABEL[step.status]}</span>
          {step.path && <span className="muted"> · in {step.path}</span>}
          {took !== undefined && <span className="muted"> · took {took}</span>}
          {step.branch && <span className="muted"> · then “{step.branch}”</span>}
        </p>
      </header>
      {waits.map((wait) => (
        <WaitBanner key={`${wait.kind}:${wait.stepKey}`} run={run} wait={wait} onError={onError} />
      ))}
      <StepFacts run={run} step={step} config={config} inside={inside} effects={effects} />
      <StepErrorFacts run={run} step={step} effects={effects} />
      <Section title="Input">
        {step.input !== undefined ? (
          <ValueView value={step.input} label="Input" />
        ) : (
          <p className="muted">{missingInputReason(step, config)}</p>
        )}
      </Section>
      <Section title="Output">
        {step.output !== undefined ? (
          <ValueView value={step.output} label="Output" />
        ) : (
          <p className="muted">{step.status === 'completed' ? 'No output.' : 'No output yet.'}</p>
        )}
      </Section>
      {step.stepType === 'llm' && (
        <>
          <Section title="Rounds and tool calls">
            <StepRounds step={step} effects={effects} />
          </Section>
          <Section title="Thread messages">
            <StepThread step={step} />
          </Section>
        </>
      )}
    </aside>
  );
}
