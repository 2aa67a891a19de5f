import { useMemo } from 'react';
import { formatJsonPath } from '../../schema/problems';
import {
  describePlace,
  diffWorkflows,
  isEmptyDiff,
  type JsonChange,
  type StepChange,
  type StepRef,
} from '../../schema/workflowDiff';
import './versions.css';

/** Long values (a prompt, a schema) are cut for the table; the JSON tab shows them whole. */
const SHOWN_VALUE_CHARS = 600;

function shown(value: unknown): string {
  const text = value === undefined ? '' : (JSON.stringify(value, null, 2) ?? String(value));
  return text.length > SHOWN_VALUE_CHARS ? `${text.slice(0, SHOWN_VALUE_CHARS)}…` : text;
}

interface VersionDiffProps {
  before: unknown;
  after: unknown;
  beforeLabel: string;
  afterLabel: string;
}

/** Two workflow documents compared: steps added, removed and changed (a JSON diff of each), workflow fields. */
export function VersionDiff({ before, after, beforeLabel, afterLabel }: VersionDiffProps) {
  const diff = useMemo(() => diffWorkflows(before, after), [before, after]);
  return (
    <section className="version-diff" aria-label={`Changes from ${beforeLabel} to ${afterLabel}`}>
      <h3 className="version-diff-title">
        From {beforeLabel} to {afterLabel}
      </h3>
      {isEmptyDiff(diff) && <p className="muted">The two are the same workflow.</p>}
      <StepList title="Steps added" kind="added" steps={diff.added} />
      <StepList title="Steps removed" kind="removed" steps={diff.removed} />
      {diff.changed.length > 0 && (
        <div className="diff-group">
          <h4>Steps changed</h4>
          {diff.changed.map((step) => (
            <ChangedStep key={step.slug} step={step} />
          ))}
        </div>
      )}
      {diff.reordered.map((group) => (
        <p key={`${group.place.container ?? ''}/${group.place.body ?? ''}`} className="diff-note">
          Steps of {describePlace(group.place)} reordered: {group.before.join(', ')} → {group.after.join(', ')}
        </p>
      ))}
      {diff.workflow.length > 0 && (
        <div className="diff-group">
          <h4>Workflow settings</h4>
          <ChangeTable changes={diff.workflow} />
        </div>
      )}
    </section>
  );
}

function StepList({ title, kind, steps }: { title: string; kind: 'added' | 'removed'; steps: StepRef[] }) {
  if (steps.length === 0) return null;
  return (
    <div className="diff-group">
      <h4>{title}</h4>
      <ul className="diff-steps">
        {steps.map((step) => (
          <li key={step.slug} className={`diff-step diff-${kind}`} data-diff-kind={kind}>
            <span className="diff-mark" aria-hidden="true">
              {kind === 'added' ? '+' : '−'}
            </span>
            <code>{step.slug}</code> <span className="muted">({step.stepType})</span>
            {step.place.container !== undefined && <span className="muted"> in {describePlace(step.place)}</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}

function ChangedStep({ step }: { step: StepChange }) {
  return (
    <details className="diff-step diff-changed" data-diff-kind="changed" open>
      <summary>
        <code>{step.slug}</code> <span className="muted">({step.stepType})</span>
        {step.fields.length > 0 && <span> — {step.fields.join(', ')}</span>}
      </summary>
      {step.movedFrom && (
        <p className="diff-note">
          Moved from {describePlace(step.movedFrom)} to {describePlace(step.place)}
        </p>
      )}
      {step.changes.length > 0 && <ChangeTable changes={step.changes} />}
    </details>
  );
}

/** A JSON diff as a table; the two sides are "Before" and "After" unless named (a run comparison: "A", "B"). */
export function ChangeTable({
  changes,
  labels = ['Before', 'After'],
}: {
  changes: JsonChange[];
  labels?: [string, string];
}) {
  return (
    <table className="diff-table">
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">{labels[0]}</th>
          <th scope="col">{labels[1]}</th>
        </tr>
      </thead>
      <tbody>
        {changes.map((change) => (
          <tr key={formatJsonPath(change.path)} className={`diff-row-${change.kind}`}>
            <th scope="row">
              <code>{formatJsonPath(change.path).slice(2) || '(whole value)'}</code>
            </th>
            <td className="diff-before">
              {change.kind === 'added' ? <span className="muted">(absent)</span> : <pre>{shown(change.before)}</pre>}
            </td>
            <td className="diff-after">
              {change.kind === 'removed' ? <span className="muted">(absent)</span> : <pre>{shown(change.after)}</pre>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
