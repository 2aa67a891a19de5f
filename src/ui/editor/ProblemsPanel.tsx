import { countProblems, type Problem } from '../../schema/problems';

export interface LocatedProblem {
  problem: Problem;
  from: number;
  to: number;
}

interface ProblemsPanelProps {
  items: LocatedProblem[] | null;
  onSelect(item: LocatedProblem): void;
}

/** Every problem of the editor text, errors first; choosing one moves the editor's cursor to it. */
export function ProblemsPanel({ items, onSelect }: ProblemsPanelProps) {
  // A summary row ("and N more") counts for the problems it stands for.
  const { errors, warnings } = countProblems(items?.map((i) => i.problem) ?? []);
  return (
    <section className="problems" aria-label="Problems" data-testid="problems">
      <header className="problems-header">
        <h3>Problems</h3>
        {items && <span className="muted">{countLabel(errors, warnings)}</span>}
      </header>
      {items === null ? (
        <p className="muted problems-empty">Checking…</p>
      ) : items.length === 0 ? (
        <p className="problems-empty">
          <span className="severity severity-ok" aria-hidden>
            ✓
          </span>{' '}
          No problems
        </p>
      ) : (
        <ul className="problems-list">
          {items.map((item, i) => (
            <li key={`${item.problem.path}|${item.problem.message}|${i}`}>
              <button type="button" className="problem" onClick={() => onSelect(item)}>
                <SeverityIcon severity={item.problem.severity} />
                <span className="problem-message">{item.problem.message}</span>
                <code className="problem-path">{item.problem.path}</code>
                {item.problem.slug && <span className="chip">{item.problem.slug}</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function SeverityIcon({ severity }: { severity: Problem['severity'] }) {
  return (
    <span className={`severity severity-${severity}`} role="img" aria-label={severity}>
      {severity === 'error' ? '✕' : '!'}
    </span>
  );
}

function countLabel(errors: number, warnings: number): string {
  const parts = [];
  if (errors) parts.push(`${errors} error${errors === 1 ? '' : 's'}`);
  if (warnings) parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`);
  return parts.join(', ');
}
