import { countProblems, type Problem } from '../../schema/problems';
import { SeverityIcon } from '../editor/ProblemsPanel';

/** Rows shown at most; the validator already sums a flood up, this keeps any list short. */
const MAX_ROWS = 100;

/** A read-only list of validation problems: severity, message, JSON path and step. */
export function ProblemList({ problems }: { problems: readonly Problem[] }) {
  if (problems.length === 0) {
    return (
      <p className="ok-text">
        <span className="severity severity-ok" aria-hidden>
          ✓
        </span>{' '}
        No problems found.
      </p>
    );
  }
  const { errors, warnings } = countProblems(problems);
  const shown = problems.slice(0, MAX_ROWS);
  const { errors: hiddenErrors, warnings: hiddenWarnings } = countProblems(problems.slice(MAX_ROWS));
  return (
    <section aria-label="Validation problems" className="preview-problems">
      <h3>
        {errors > 0 ? plural(errors, 'error') : 'No errors'}
        {warnings > 0 && `, ${plural(warnings, 'warning')}`}
      </h3>
      <ul className="problems-list">
        {shown.map((p, i) => (
          <li key={`${p.path}|${p.message}|${i}`} className="problem problem-static">
            <SeverityIcon severity={p.severity} />
            <span className="problem-message">{p.message}</span>
            <code className="problem-path">{p.path}</code>
            {p.slug && <span className="chip">{p.slug}</span>}
          </li>
        ))}
      </ul>
      {problems.length > shown.length && (
        <p className="muted">…and {plural(hiddenErrors + hiddenWarnings, 'more problem')} not listed</p>
      )}
    </section>
  );
}

function plural(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}
