import type { Problem } from '../../schema/problems';
import { SeverityIcon } from '../editor/ProblemsPanel';

/** A read-only list of validation problems: severity, message, JSON path and step. */
export function ProblemList({ problems }: { problems: readonly Problem[] }) {
  if (problems.length === 0) {
    return <p className="ok-text"><span className="severity severity-ok" aria-hidden>✓</span> No problems found.</p>;
  }
  const errors = problems.filter((p) => p.severity === 'error').length;
  return (
    <section aria-label="Validation problems" className="preview-problems">
      <h3>
        {errors > 0 ? `${errors} error${errors === 1 ? '' : 's'}` : 'No errors'}
        {problems.length > errors && `, ${problems.length - errors} warning${problems.length - errors === 1 ? '' : 's'}`}
      </h3>
      <ul className="problems-list">
        {problems.map((p, i) => (
          <li key={`${p.path}|${p.message}|${i}`} className="problem problem-static">
            <SeverityIcon severity={p.severity} />
            <span className="problem-message">{p.message}</span>
            <code className="problem-path">{p.path}</code>
            {p.slug && <span className="chip">{p.slug}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
