import type { ReactNode } from 'react';
import type { WorkflowSummary } from '../../schema/summary';

/** Steps listed in the preview; a bigger workflow shows a count of the rest. */
const MAX_LISTED_STEPS = 200;

const TYPE_LABELS = { predefined: 'Predefined steps', dynamic_orchestration: 'Dynamic orchestration' } as const;

/** What a workflow is and what it would touch: read before deciding to import it. */
export function PreviewSummary({ summary, migrated }: { summary: WorkflowSummary; migrated: readonly string[] }) {
  const steps = summary.steps.slice(0, MAX_LISTED_STEPS);
  return (
    <div className="preview-summary">
      <h3 className="preview-name">{summary.name}</h3>
      {summary.description && <p className="preview-description">{summary.description}</p>}
      <p className="muted">
        {TYPE_LABELS[summary.workflowType]} · {summary.steps.length} step{summary.steps.length === 1 ? '' : 's'}
      </p>
      {migrated.length > 0 && <p className="muted">Upgraded from an older format: {migrated.join('; ')}</p>}
      <div className="preview-columns">
        <section aria-label="Steps">
          <h4>Steps</h4>
          <ol className="step-outline">
            {steps.map((step, i) => (
              <li key={`${step.slug}-${i}`} style={{ paddingLeft: `${step.depth * 16}px` }}>
                <span className="step-name">{step.name}</span> <code>{step.slug}</code>{' '}
                <span className={`chip chip-${step.stepType}`}>{step.stepType}</span>
              </li>
            ))}
          </ol>
          {summary.steps.length > steps.length && (
            <p className="muted">…and {summary.steps.length - steps.length} more</p>
          )}
        </section>
        <dl className="facts">
          <Fact term="Models">{list(summary.models)}</Fact>
          <Fact term="Tools">{list(summary.tools)}</Fact>
          <Fact term="Hosts it may contact">{list(summary.hosts, 'none: it makes no web requests')}</Fact>
          <Fact term="Subworkflows it calls">{list(summary.subworkflows)}</Fact>
          <Fact term="Bundled workflows">
            {list(summary.bundled)}
            {summary.bundled.length > 0 && <Hint>each becomes its own library entry</Hint>}
          </Fact>
          <Fact term="Secrets it needs">
            {list(summary.secrets)}
            {summary.secrets.length > 0 && <Hint>values are never in the file: enter them in Settings</Hint>}
          </Fact>
          <Fact term="Inputs">{list(summary.inputs)}</Fact>
        </dl>
      </div>
    </div>
  );
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Hint({ children }: { children: ReactNode }) {
  return <span className="hint">{children}</span>;
}

function list(items: readonly string[], empty = 'none'): ReactNode {
  if (items.length === 0) return <span className="muted">{empty}</span>;
  return (
    <span className="chips">
      {items.map((item) => (
        <code key={item} className="chip">
          {item}
        </code>
      ))}
    </span>
  );
}
